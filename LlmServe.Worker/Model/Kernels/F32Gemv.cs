using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// float32 linears whose every output element is one dot product summed in an order fixed by K alone, for
/// batch-invariant steps: torch's float32 GEMM on the CPU sums a row differently when the step has few rows or a row
/// count that is not a multiple of its row block (measured: rows of 1-3, 5-7 and 9-11 row products differ in the last
/// bits from the same rows in larger ones), so a sequence's result would depend on what else was in its step.
/// </summary>
internal static unsafe class F32Gemv
{
    /// <summary>Weight bytes per parallel work item, as in <see cref="Bf16Gemv"/>.</summary>
    private const int ChunkBytes = 128 * 1024;

    /// <summary>Weight rows <see cref="DotW4"/> takes at once.</summary>
    private const int WeightBlock = 4;

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <param name="x">(M, K) float32, row-major.</param>
    /// <param name="targets">float32 weights (Rows_t, K) sharing the input; each output is float32 (M, Rows_t).</param>
    public static void Run(float* x, int m, int k, ReadOnlySpan<GemvTarget> targets)
    {
        var total = 0;
        foreach (var t in targets)
        {
            total += t.Rows;
        }
        var chunkRows = Math.Max(WeightBlock, ChunkBytes / (4 * k) / WeightBlock * WeightBlock);
        var chunks = (total + chunkRows - 1) / chunkRows;
        if (chunks <= 1 || Environment.ProcessorCount == 1)
        {
            RunRows(x, m, k, targets, 0, total);
            return;
        }
        var all = targets.ToArray();
        var address = (nint)x;
        Parallel.For(0, chunks, Parallelism, c => RunRows((float*)address, m, k, all, c * chunkRows, Math.Min(total, (c + 1) * chunkRows)));
    }

    /// <summary>Output rows [start, end) counted across the targets in order.</summary>
    private static void RunRows(float* x, int m, int k, ReadOnlySpan<GemvTarget> targets, int start, int end)
    {
        Span<float> sums = stackalloc float[2 * WeightBlock];
        var offset = 0;
        foreach (var t in targets)
        {
            int lo = Math.Max(start, offset) - offset, hi = Math.Min(end, offset + t.Rows) - offset;
            var weight = (float*)t.Weight;
            var bias = (float*)t.Bias;
            var output = (float*)t.Output;
            var row = lo;
            // Four weight rows at a time, so each input vector is loaded once for the four, against two input rows at a
            // time, so each weight vector is loaded once for the two (1.5x the one-row loop's speed at 64 rows).
            for (; row + WeightBlock <= hi; row += WeightBlock)
            {
                var r = 0;
                for (; r + 2 <= m; r += 2)
                {
                    DotW4X2(x + (long)r * k, x + (long)(r + 1) * k, weight + (long)row * k, k, sums);
                    Store(output + (long)r * t.Rows, row, sums[..WeightBlock], bias);
                    Store(output + (long)(r + 1) * t.Rows, row, sums[WeightBlock..], bias);
                }
                if (r < m)
                {
                    DotW4(x + (long)r * k, weight + (long)row * k, k, sums);
                    Store(output + (long)r * t.Rows, row, sums[..WeightBlock], bias);
                }
            }
            for (; row < hi; row++)
            {
                for (var r = 0; r < m; r++)
                {
                    var sum = Dot(x + (long)r * k, weight + (long)row * k, k);
                    output[(long)r * t.Rows + row] = bias == null ? sum : sum + bias[row];
                }
            }
            offset += t.Rows;
        }
    }

    /// <summary>Four consecutive outputs of one row from <paramref name="row"/>, plus their biases.</summary>
    private static void Store(float* outputRow, int row, ReadOnlySpan<float> sums, float* bias)
    {
        for (var j = 0; j < sums.Length; j++)
        {
            outputRow[row + j] = bias == null ? sums[j] : sums[j] + bias[row + j];
        }
    }

    /// <summary>x·w over K: two 512-bit accumulators over 32-element blocks, then <see cref="Finish"/>.</summary>
    public static float Dot(float* x, float* w, int k)
    {
        var p = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            Vector512<float> a0 = default, a1 = default;
            for (; p + 32 <= k; p += 32)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w + p), Vector512.Load(x + p), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(w + p + 16), Vector512.Load(x + p + 16), a1);
            }
            sum = Vector512.Sum(a0 + a1);
        }
        return Finish(x, w, k, sum, p);
    }

    /// <summary>
    /// <see cref="Dot"/> of one input row with four consecutive weight rows (K apart) into <paramref name="sums"/>: each
    /// input vector is loaded once for the four, and each sum takes the operations <see cref="Dot"/> would, in its order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotW4(float* x, float* w, int k, Span<float> sums)
    {
        float* w0 = w, w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        var p = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            Vector512<float> a0 = default, a1 = default, b0 = default, b1 = default;   // rows 0 and 1
            Vector512<float> c0 = default, c1 = default, d0 = default, d1 = default;   // rows 2 and 3
            for (; p + 32 <= k; p += 32)
            {
                var x0 = Vector512.Load(x + p);
                var x1 = Vector512.Load(x + p + 16);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + p), x0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + p + 16), x1, a1);
                b0 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + p), x0, b0);
                b1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + p + 16), x1, b1);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + p), x0, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + p + 16), x1, c1);
                d0 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + p), x0, d0);
                d1 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + p + 16), x1, d1);
            }
            s0 = Vector512.Sum(a0 + a1);
            s1 = Vector512.Sum(b0 + b1);
            s2 = Vector512.Sum(c0 + c1);
            s3 = Vector512.Sum(d0 + d1);
        }
        sums[0] = Finish(x, w0, k, s0, p);
        sums[1] = Finish(x, w1, k, s1, p);
        sums[2] = Finish(x, w2, k, s2, p);
        sums[3] = Finish(x, w3, k, s3, p);
    }

    /// <summary>
    /// <see cref="DotW4"/> for two input rows at once (<paramref name="x"/>'s four sums, then <paramref name="y"/>'s):
    /// each weight vector is loaded once for both, and each sum takes <see cref="Dot"/>'s operations in its order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotW4X2(float* x, float* y, float* w, int k, Span<float> sums)
    {
        float* w0 = w, w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        var p = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            Vector512<float> a0 = default, a1 = default, b0 = default, b1 = default;   // x against rows 0 and 1
            Vector512<float> c0 = default, c1 = default, d0 = default, d1 = default;   // x against rows 2 and 3
            Vector512<float> e0 = default, e1 = default, f0 = default, f1 = default;   // y against rows 0 and 1
            Vector512<float> g0 = default, g1 = default, h0 = default, h1 = default;   // y against rows 2 and 3
            for (; p + 32 <= k; p += 32)
            {
                var x0 = Vector512.Load(x + p);
                var x1 = Vector512.Load(x + p + 16);
                var y0 = Vector512.Load(y + p);
                var y1 = Vector512.Load(y + p + 16);
                var v = Vector512.Load(w0 + p);
                a0 = Vector512.FusedMultiplyAdd(v, x0, a0);
                e0 = Vector512.FusedMultiplyAdd(v, y0, e0);
                v = Vector512.Load(w0 + p + 16);
                a1 = Vector512.FusedMultiplyAdd(v, x1, a1);
                e1 = Vector512.FusedMultiplyAdd(v, y1, e1);
                v = Vector512.Load(w1 + p);
                b0 = Vector512.FusedMultiplyAdd(v, x0, b0);
                f0 = Vector512.FusedMultiplyAdd(v, y0, f0);
                v = Vector512.Load(w1 + p + 16);
                b1 = Vector512.FusedMultiplyAdd(v, x1, b1);
                f1 = Vector512.FusedMultiplyAdd(v, y1, f1);
                v = Vector512.Load(w2 + p);
                c0 = Vector512.FusedMultiplyAdd(v, x0, c0);
                g0 = Vector512.FusedMultiplyAdd(v, y0, g0);
                v = Vector512.Load(w2 + p + 16);
                c1 = Vector512.FusedMultiplyAdd(v, x1, c1);
                g1 = Vector512.FusedMultiplyAdd(v, y1, g1);
                v = Vector512.Load(w3 + p);
                d0 = Vector512.FusedMultiplyAdd(v, x0, d0);
                h0 = Vector512.FusedMultiplyAdd(v, y0, h0);
                v = Vector512.Load(w3 + p + 16);
                d1 = Vector512.FusedMultiplyAdd(v, x1, d1);
                h1 = Vector512.FusedMultiplyAdd(v, y1, h1);
            }
            (s0, s1, s2, s3) = (Vector512.Sum(a0 + a1), Vector512.Sum(b0 + b1), Vector512.Sum(c0 + c1), Vector512.Sum(d0 + d1));
            (t0, t1, t2, t3) = (Vector512.Sum(e0 + e1), Vector512.Sum(f0 + f1), Vector512.Sum(g0 + g1), Vector512.Sum(h0 + h1));
        }
        sums[0] = Finish(x, w0, k, s0, p);
        sums[1] = Finish(x, w1, k, s1, p);
        sums[2] = Finish(x, w2, k, s2, p);
        sums[3] = Finish(x, w3, k, s3, p);
        sums[4] = Finish(y, w0, k, t0, p);
        sums[5] = Finish(y, w1, k, t1, p);
        sums[6] = Finish(y, w2, k, t2, p);
        sums[7] = Finish(y, w3, k, t3, p);
    }

    /// <summary>The rest of the dot product after <paramref name="p"/> elements summed into <paramref name="sum512"/>: 256-bit vectors (AVX2 machines), then scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float* x, float* w, int k, float sum512, int p)
    {
        Vector256<float> a0 = default, a1 = default;
        for (; p + 16 <= k; p += 16)
        {
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w + p), Vector256.Load(x + p), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w + p + 8), Vector256.Load(x + p + 8), a1);
        }
        var sum = sum512 + Vector256.Sum(a0 + a1);
        for (; p < k; p++)
        {
            sum = MathF.FusedMultiplyAdd(x[p], w[p], sum);
        }
        return sum;
    }
}
