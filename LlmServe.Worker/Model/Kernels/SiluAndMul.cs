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

    /// <summary>In place, bf16-rounded x / (1 + e^-x) of <paramref name="count"/> values (at most <see cref="Group"/>).</summary>
    public static void SiluBf16(float* x, int count)
    {
        if (count == Group)
        {
            var v = Vector256.Load(x);
            Bf16.Round(v / (Vector256<float>.One + Vector256.Exp(-v))).Store(x);
            return;
        }
        for (var j = 0; j < count; j++)
        {
            x[j] = Bf16.Round(x[j] / (1 + MathF.Exp(-x[j])));
        }
    }

    private static void Bf16Row(ushort* gate, ushort* up, ushort* output, int cols)
    {
        var start = 0;
        for (; start + Group <= cols; start += Group)
        {
            // SiluBf16's full-group arithmetic, and the product rounded as FromSingle rounds it, eight at a time.
            var g = Bf16.Load8(gate + start);
            var silu = Bf16.Round(g / (Vector256<float>.One + Vector256.Exp(-g)));
            Bf16.Store8(Bf16.Round(silu * Bf16.Load8(up + start)), output + start);
        }
        var values = stackalloc float[Group];
        if (start < cols)
        {
            var count = cols - start;
            for (var j = 0; j < count; j++)
            {
                values[j] = Bf16.ToSingle(gate[start + j]);
            }
            SiluBf16(values, count);
            for (var j = 0; j < count; j++)
            {
                output[start + j] = Bf16.FromSingle(values[j] * Bf16.ToSingle(up[start + j]));
            }
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
