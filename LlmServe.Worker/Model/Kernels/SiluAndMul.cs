using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// silu(gate) * up for bf16 or float32 rows on the CPU, every value computed alone, lane by lane, by the vector
/// <see cref="Exponential"/>: a row's last values, which fill part of a vector, go through the same code from a padded
/// copy. torch's elementwise ops instead finish a flattened tensor's last values with scalar code, so when the width is
/// not a multiple of their vector block a row's last values would depend on how many rows the step had. bf16 rounds
/// where torch's bf16 path does (silu's result, the product), and exactly as the fused decode step does.
/// </summary>
internal static unsafe class SiluAndMul
{
    /// <summary>Values one 512-bit vector covers: the fused step cuts its rows into multiples of it, so only a row's end is padded.</summary>
    public const int Group = 16;

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
    /// (the fused decode step's rounded sums): the same values as a bf16 tensor's row here.
    /// </summary>
    public static void Bf16Row(float* gate, float* up, ushort* output, int cols)
    {
        var start = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; start + 16 <= cols; start += 16)
            {
                Bf16.Store16(SiluTimes(Vector512.Load(gate + start), Vector512.Load(up + start)), output + start);
            }
        }
        for (; start + 8 <= cols; start += 8)
        {
            Bf16.Store8(SiluTimes(Vector256.Load(gate + start), Vector256.Load(up + start)), output + start);
        }
        if (start < cols)
        {
            Tail(gate + start, up + start, output + start, cols - start);
        }
    }

    private static void Bf16Row(ushort* gate, ushort* up, ushort* output, int cols)
    {
        var start = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; start + 16 <= cols; start += 16)
            {
                Bf16.Store16(SiluTimes(Bf16.Load16(gate + start), Bf16.Load16(up + start)), output + start);
            }
        }
        for (; start + 8 <= cols; start += 8)
        {
            Bf16.Store8(SiluTimes(Bf16.Load8(gate + start), Bf16.Load8(up + start)), output + start);
        }
        if (start < cols)
        {
            var gates = stackalloc float[8];
            var ups = stackalloc float[8];
            for (var j = start; j < cols; j++)
            {
                gates[j - start] = Bf16.ToSingle(gate[j]);
                ups[j - start] = Bf16.ToSingle(up[j]);
            }
            Tail(gates, ups, output + start, cols - start);
        }
    }

    /// <summary>
    /// silu rounded to bf16, times up, rounded as <see cref="Bf16.FromSingle"/> rounds (a NaN product's bits aside).
    /// Vectors do not depend on each other, so a row's exponentials overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SiluTimes(Vector512<float> gate, Vector512<float> up) =>
        Bf16.Round(Bf16.Round(gate / (Vector512<float>.One + Exponential.Of(-gate))) * up);

    /// <inheritdoc cref="SiluTimes(Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SiluTimes(Vector256<float> gate, Vector256<float> up) =>
        Bf16.Round(Bf16.Round(gate / (Vector256<float>.One + Exponential.Of(-gate))) * up);

    /// <summary>A row's last <paramref name="count"/> (fewer than 8) values, through the vector code from a zero-padded copy.</summary>
    private static void Tail(float* gate, float* up, ushort* output, int count)
    {
        var results = stackalloc ushort[8];
        Bf16.Store8(SiluTimes(LoadPart(gate, count), LoadPart(up, count)), results);
        new Span<ushort>(results, count).CopyTo(new Span<ushort>(output, count));
    }

    private static void F32Row(float* gate, float* up, float* output, int cols)
    {
        var start = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; start + 16 <= cols; start += 16)
            {
                var v = Vector512.Load(gate + start);
                (v / (Vector512<float>.One + Exponential.Of(-v)) * Vector512.Load(up + start)).Store(output + start);
            }
        }
        for (; start < cols; start += 8)
        {
            var count = Math.Min(8, cols - start);
            var v = LoadPart(gate + start, count);
            var product = v / (Vector256<float>.One + Exponential.Of(-v)) * LoadPart(up + start, count);
            for (var j = 0; j < count; j++)
            {
                output[start + j] = product[j];
            }
        }
    }

    /// <summary>The first <paramref name="count"/> (at most 8) floats at <paramref name="p"/>, zeros after them.</summary>
    private static Vector256<float> LoadPart(float* p, int count)
    {
        if (count == 8)
        {
            return Vector256.Load(p);
        }
        var padded = stackalloc float[8];
        new Span<float>(padded, 8).Clear();
        new Span<float>(p, count).CopyTo(new Span<float>(padded, 8));
        return Vector256.Load(padded);
    }
}
