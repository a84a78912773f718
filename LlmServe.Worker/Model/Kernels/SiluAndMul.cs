using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// silu(gate) * up for bf16 or float32 rows on the CPU, each row computed alone in groups of <see cref="Group"/> from its
/// start: a full group takes the vector exp, a row's last partial group the scalar one. torch's elementwise ops instead
/// run vectors over the whole flattened tensor and finish its last elements with scalar code, so when the width is not a
/// multiple of their vector block a row's last values would depend on how many rows the step had. bf16 rounds where
/// torch's bf16 path does (silu's result, the product), and exactly as the fused decode step does.
/// </summary>
internal static unsafe class SiluAndMul
{
    /// <summary>Values one vector exp covers.</summary>
    public const int Group = 8;

    /// <summary>gate, up: (..., F) of one dtype; null when the kernel does not apply (GPU, other dtypes, strided).</summary>
    public static Tensor? TryForward(Tensor gate, Tensor up)
    {
        var dtype = gate.dtype;
        if ((dtype != ScalarType.BFloat16 && dtype != ScalarType.Float32) || !TensorMemory.AreContiguousOnCpu(dtype, gate, up)
            || !gate.shape.SequenceEqual(up.shape) || gate.dim() < 1 || gate.numel() == 0)
        {
            return null;
        }
        var cols = (int)gate.shape[^1];
        var rows = (int)(gate.numel() / cols);
        var output = torch.empty(gate.shape, dtype);                   // (..., F)
        nint g = TensorMemory.Address(gate), u = TensorMemory.Address(up), o = TensorMemory.Address(output);
        Action<int> row = dtype == ScalarType.BFloat16
            ? r => Bf16Row((ushort*)g + (long)r * cols, (ushort*)u + (long)r * cols, (ushort*)o + (long)r * cols, cols)
            : r => F32Row((float*)g + (long)r * cols, (float*)u + (long)r * cols, (float*)o + (long)r * cols, cols);
        RowLoop.For(rows, (long)rows * cols < 1 << 15, row);
        GC.KeepAlive(gate);
        GC.KeepAlive(up);
        return output;
    }

    /// <summary>
    /// output = bf16(bf16(silu(gate)) * up) over one row of <paramref name="cols"/> float32 values that are already bf16
    /// (the fused decode step's rounded sums): the same groups and rounding as a bf16 tensor's row here.
    /// </summary>
    public static void Bf16Row(float* gate, float* up, ushort* output, int cols)
    {
        var start = 0;
        for (; start + Group <= cols; start += Group)
        {
            Bf16.Store8(SiluTimes(Vector256.Load(gate + start), Vector256.Load(up + start)), output + start);
        }
        PartGroup(gate + start, up + start, output + start, cols - start);
    }

    private static void Bf16Row(ushort* gate, ushort* up, ushort* output, int cols)
    {
        var start = 0;
        for (; start + Group <= cols; start += Group)
        {
            Bf16.Store8(SiluTimes(Bf16.Load8(gate + start), Bf16.Load8(up + start)), output + start);
        }
        var gates = stackalloc float[Group];
        var ups = stackalloc float[Group];
        var count = cols - start;
        for (var j = 0; j < count; j++)
        {
            gates[j] = Bf16.ToSingle(gate[start + j]);
            ups[j] = Bf16.ToSingle(up[start + j]);
        }
        PartGroup(gates, ups, output + start, count);
    }

    /// <summary>
    /// A full group: silu rounded to bf16, times up, rounded as <see cref="Bf16.FromSingle"/> rounds (a NaN product's
    /// bits aside). Groups do not depend on each other, so a row's exponentials overlap.
    /// </summary>
    private static Vector256<float> SiluTimes(Vector256<float> gate, Vector256<float> up) =>
        Bf16.Round(Bf16.Round(gate / (Vector256<float>.One + Vector256.Exp(-gate))) * up);

    /// <summary>A row's last <paramref name="count"/> (fewer than <see cref="Group"/>) values, with the scalar exp.</summary>
    private static void PartGroup(float* gate, float* up, ushort* output, int count)
    {
        for (var j = 0; j < count; j++)
        {
            var silu = Bf16.Round(gate[j] / (1 + MathF.Exp(-gate[j])));
            output[j] = Bf16.FromSingle(silu * up[j]);
        }
    }

    private static void F32Row(float* gate, float* up, float* output, int cols)
    {
        var start = 0;
        for (; start + Group <= cols; start += Group)
        {
            var v = Vector256.Load(gate + start);
            (v / (Vector256<float>.One + Vector256.Exp(-v)) * Vector256.Load(up + start)).Store(output + start);
        }
        for (; start < cols; start++)
        {
            var x = gate[start];
            output[start] = x / (1 + MathF.Exp(-x)) * up[start];
        }
    }
}
