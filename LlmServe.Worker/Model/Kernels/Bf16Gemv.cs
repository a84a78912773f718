using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// bf16 matrix-vector products for decode-sized inputs (a few rows), reading the weights in place. At batch 1 a linear
/// layer streams its whole weight once for 2 flops per element, so speed is memory bandwidth: the kernel keeps one
/// pass over each weight row, widens bf16 to float32 in registers and accumulates in float32, and splits the output
/// rows over the cores. Results are rounded to bf16 once, like torch's bf16 linear.
/// </summary>
/// <remarks>
/// Each output element is one dot product whose summation order depends only on K (not on M, the row range or the
/// thread that runs it), so a sequence's result does not depend on what else is in the batch.
/// </remarks>
internal static unsafe class Bf16Gemv
{
    /// <summary>Weight bytes per parallel work item: large enough to amortise scheduling, small enough to balance.</summary>
    private const int ChunkBytes = 128 * 1024;

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    [ThreadStatic]
    private static float[]? t_input;

    /// <param name="x">(M, K) bf16, row-major.</param>
    /// <param name="targets">Weights (Rows_t, K) sharing the input; each output is (M, Rows_t).</param>
    public static void Run(ushort* x, int m, int k, ReadOnlySpan<GemvTarget> targets)
    {
        var stride = InputStride(k);
        var input = InputBuffer(m * stride);
        fixed (float* xs = input)
        {
            PrepareInput(x, m, k, xs);
            var chunks = Chunks(k, targets);
            if (chunks <= 1 || Environment.ProcessorCount == 1)
            {
                RunRows(xs, m, k, stride, targets, 0, TotalRows(targets));
                return;
            }
            var all = targets.ToArray();
            var xsAddress = (nint)xs;
            Parallel.For(0, chunks, Parallelism, c => RunChunk((float*)xsAddress, m, k, all, c));
        }
    }

    /// <summary>Work items of a run over <paramref name="targets"/>: their output rows, counted across them in order, in chunks of <see cref="ChunkRows"/>.</summary>
    public static int Chunks(int k, ReadOnlySpan<GemvTarget> targets) => (TotalRows(targets) + ChunkRows(k) - 1) / ChunkRows(k);

    /// <summary>Work item <paramref name="chunk"/> of <see cref="Chunks"/>, from an input made by <see cref="PrepareInput"/>.</summary>
    public static void RunChunk(float* xs, int m, int k, ReadOnlySpan<GemvTarget> targets, int chunk)
    {
        var chunkRows = ChunkRows(k);
        RunRows(xs, m, k, InputStride(k), targets, chunk * chunkRows, Math.Min(TotalRows(targets), (chunk + 1) * chunkRows));
    }

    private static int TotalRows(ReadOnlySpan<GemvTarget> targets)
    {
        var total = 0;
        foreach (var t in targets)
        {
            total += t.Rows;
        }
        return total;
    }

    /// <summary>Weight rows of length <paramref name="k"/> in one parallel work item (about <see cref="ChunkBytes"/> of weights).</summary>
    public static int ChunkRows(int k) => Math.Max(1, ChunkBytes / (2 * k));

    /// <summary>Floats per row of a prepared input (see <see cref="PrepareInput"/>).</summary>
    public static int InputStride(int k) => k + 1;

    /// <summary>x (M, K) bf16 as the float32 rows <see cref="RunRows"/> reads, <see cref="InputStride"/> apart.</summary>
    public static void PrepareInput(ushort* x, int m, int k, float* into)
    {
        var stride = InputStride(k);
        for (var r = 0; r < m; r++)
        {
            SplitEvenOdd(x + (long)r * k, k, into + (long)r * stride);
        }
    }

    /// <summary>Output rows [start, end) counted across the targets in order, from an input made by <see cref="PrepareInput"/>.</summary>
    public static void RunRows(float* xs, int m, int k, int stride, ReadOnlySpan<GemvTarget> targets, int start, int end)
    {
        Span<float> sums = stackalloc float[WeightBlock];
        var offset = 0;
        foreach (var t in targets)
        {
            int lo = Math.Max(start, offset) - offset, hi = Math.Min(end, offset + t.Rows) - offset;
            var weight = (ushort*)t.Weight;
            var bias = (ushort*)t.Bias;
            var output = (ushort*)t.Output;
            var row = lo;
            // Several input rows: four weight rows at a time, so each input vector is loaded once for the four.
            for (; m > 1 && row + WeightBlock <= hi; row += WeightBlock)
            {
                var w = weight + (long)row * k;
                for (var r = 0; r < m; r++)
                {
                    DotW4(xs + (long)r * stride, w, k, sums);
                    for (var j = 0; j < WeightBlock; j++)
                    {
                        Store(output + (long)r * t.Rows, row + j, sums[j], bias);
                    }
                }
            }
            for (; row < hi; row++)
            {
                var w = weight + (long)row * k;
                for (var r = 0; r < m; r++)
                {
                    Store(output + (long)r * t.Rows, row, Dot(xs + (long)r * stride, w, k), bias);
                }
            }
            offset += t.Rows;
        }
    }

    /// <summary>
    /// Stores x as float32 in the order the dot product consumes it: the K/2 even-index elements, then the K/2
    /// odd-index ones, then x[K-1] when K is odd.
    /// </summary>
    private static void SplitEvenOdd(ushort* x, int k, float* into)
    {
        int pairs = k / 2;
        for (var p = 0; p < pairs; p++)
        {
            into[p] = Bf16.ToSingle(x[2 * p]);
            into[pairs + p] = Bf16.ToSingle(x[2 * p + 1]);
        }
        if ((k & 1) != 0)
        {
            into[2 * pairs] = Bf16.ToSingle(x[k - 1]);
        }
    }

    /// <summary>Weight rows <see cref="DotW4"/> takes at once.</summary>
    private const int WeightBlock = 4;

    /// <summary>Writes one output element: the sum plus the row's bias, rounded to bf16 once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ushort* outputRow, int row, float sum, ushort* bias)
    {
        if (bias != null)
        {
            sum += Bf16.ToSingle(bias[row]);
        }
        outputRow[row] = Bf16.FromSingle(sum);
    }

    /// <summary>
    /// x·w over K. A 32-bit lane of the weight holds the pair (w[2p], w[2p+1]): shifting left by 16 makes the even
    /// element a float32 and masking the low half makes the odd one, so widening costs two ALU ops and no shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* xs, ushort* w, int k)
    {
        var pairs = k / 2;
        var (sum, p) = Pairs512(xs, xs + pairs, (uint*)w, pairs);
        return Finish(xs, w, k, sum, p);
    }

    /// <summary>
    /// <see cref="Dot"/> of one input row with four consecutive weight rows (<paramref name="w"/>, K apart), into
    /// <paramref name="sums"/>: each input vector is loaded once for the four, and each sum takes the very operations
    /// <see cref="Dot"/> would, in the same order, so its bits are those of that weight row alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotW4(float* xs, ushort* w, int k, Span<float> sums)
    {
        var pairs = k / 2;
        var even = xs;
        var odd = xs + pairs;
        uint* l0 = (uint*)w, l1 = (uint*)(w + k), l2 = (uint*)(w + 2L * k), l3 = (uint*)(w + 3L * k);
        var p = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector512.IsHardwareAccelerated && pairs >= 32)
        {
            var high = Vector512.Create(0xFFFF0000u);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;   // weight row 0's b0..b3 of Pairs512
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;   // row 1's
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;   // row 2's
            Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default;   // row 3's
            for (; p + 32 <= pairs; p += 32)
            {
                var xe0 = Vector512.Load(even + p);
                var xo0 = Vector512.Load(odd + p);
                var xe1 = Vector512.Load(even + p + 16);
                var xo1 = Vector512.Load(odd + p + 16);
                var w0 = Vector512.Load(l0 + p);
                var w1 = Vector512.Load(l0 + p + 16);
                a0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w0, 16).AsSingle(), xe0, a0);
                a1 = Vector512.FusedMultiplyAdd((w0 & high).AsSingle(), xo0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w1, 16).AsSingle(), xe1, a2);
                a3 = Vector512.FusedMultiplyAdd((w1 & high).AsSingle(), xo1, a3);
                w0 = Vector512.Load(l1 + p);
                w1 = Vector512.Load(l1 + p + 16);
                b0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w0, 16).AsSingle(), xe0, b0);
                b1 = Vector512.FusedMultiplyAdd((w0 & high).AsSingle(), xo0, b1);
                b2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w1, 16).AsSingle(), xe1, b2);
                b3 = Vector512.FusedMultiplyAdd((w1 & high).AsSingle(), xo1, b3);
                w0 = Vector512.Load(l2 + p);
                w1 = Vector512.Load(l2 + p + 16);
                c0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w0, 16).AsSingle(), xe0, c0);
                c1 = Vector512.FusedMultiplyAdd((w0 & high).AsSingle(), xo0, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w1, 16).AsSingle(), xe1, c2);
                c3 = Vector512.FusedMultiplyAdd((w1 & high).AsSingle(), xo1, c3);
                w0 = Vector512.Load(l3 + p);
                w1 = Vector512.Load(l3 + p + 16);
                d0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w0, 16).AsSingle(), xe0, d0);
                d1 = Vector512.FusedMultiplyAdd((w0 & high).AsSingle(), xo0, d1);
                d2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w1, 16).AsSingle(), xe1, d2);
                d3 = Vector512.FusedMultiplyAdd((w1 & high).AsSingle(), xo1, d3);
            }
            s0 = Vector512.Sum((a0 + a1) + (a2 + a3));
            s1 = Vector512.Sum((b0 + b1) + (b2 + b3));
            s2 = Vector512.Sum((c0 + c1) + (c2 + c3));
            s3 = Vector512.Sum((d0 + d1) + (d2 + d3));
        }
        if (p == 0)
        {
            // No 512-bit part (an AVX2 CPU, or a short K): Finish's 256-bit loop two weight rows at a time, sharing the
            // input loads; that loop alone is load-bound when each row reloads the input.
            var q = Lanes256x2(xs, w, w + k, k, out var v0, out var v1);
            _ = Lanes256x2(xs, w + 2L * k, w + 3L * k, k, out var v2, out var v3);
            sums[0] = Tail(xs, w, k, s0 + v0, q);
            sums[1] = Tail(xs, w + k, k, s1 + v1, q);
            sums[2] = Tail(xs, w + 2L * k, k, s2 + v2, q);
            sums[3] = Tail(xs, w + 3L * k, k, s3 + v3, q);
            return;
        }
        sums[0] = Finish(xs, w, k, s0, p);
        sums[1] = Finish(xs, w + k, k, s1, p);
        sums[2] = Finish(xs, w + 2L * k, k, s2, p);
        sums[3] = Finish(xs, w + 3L * k, k, s3, p);
    }

    /// <summary>
    /// The 512-bit part of the dot product, where the CPU has it (half the instructions per weight byte, which lets two
    /// cores keep more loads in flight): its sum and how many pairs it covered. Which lanes add up where depends only on K.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Sum, int Pairs) Pairs512(float* even, float* odd, uint* lanes, int pairs)
    {
        var p = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && pairs >= 32)
        {
            var high512 = Vector512.Create(0xFFFF0000u);
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (; p + 32 <= pairs; p += 32)
            {
                var w0 = Vector512.Load(lanes + p);
                var w1 = Vector512.Load(lanes + p + 16);
                b0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w0, 16).AsSingle(), Vector512.Load(even + p), b0);
                b1 = Vector512.FusedMultiplyAdd((w0 & high512).AsSingle(), Vector512.Load(odd + p), b1);
                b2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(w1, 16).AsSingle(), Vector512.Load(even + p + 16), b2);
                b3 = Vector512.FusedMultiplyAdd((w1 & high512).AsSingle(), Vector512.Load(odd + p + 16), b3);
            }
            sum = Vector512.Sum((b0 + b1) + (b2 + b3));
        }
        return (sum, p);
    }

    /// <summary>
    /// The rest of the dot product after <see cref="Pairs512"/> covered <paramref name="p"/> pairs into
    /// <paramref name="sum512"/>: 256-bit vectors (so AVX2 machines get the kernel too), then scalar pairs, then the last
    /// element of an odd K.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float* xs, ushort* w, int k, float sum512, int p)
    {
        var pairs = k / 2;
        var even = xs;
        var odd = xs + pairs;
        var lanes = (uint*)w;
        var high = Vector256.Create(0xFFFF0000u);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (; p + 16 <= pairs; p += 16)
        {
            var w0 = Vector256.Load(lanes + p);
            var w1 = Vector256.Load(lanes + p + 8);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(w0, 16).AsSingle(), Vector256.Load(even + p), a0);
            a1 = Vector256.FusedMultiplyAdd((w0 & high).AsSingle(), Vector256.Load(odd + p), a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(w1, 16).AsSingle(), Vector256.Load(even + p + 8), a2);
            a3 = Vector256.FusedMultiplyAdd((w1 & high).AsSingle(), Vector256.Load(odd + p + 8), a3);
        }
        if (p + 8 <= pairs)
        {
            var w0 = Vector256.Load(lanes + p);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(w0, 16).AsSingle(), Vector256.Load(even + p), a0);
            a1 = Vector256.FusedMultiplyAdd((w0 & high).AsSingle(), Vector256.Load(odd + p), a1);
            p += 8;
        }
        return Tail(xs, w, k, sum512 + Vector256.Sum((a0 + a1) + (a2 + a3)), p);
    }

    /// <summary>
    /// <see cref="Finish"/>'s 256-bit loop from pair 0 for two weight rows at once, each input vector loaded once for
    /// both: each row's accumulators take the very operations Finish's would, in the same order, so the sums
    /// (<paramref name="v0"/>, <paramref name="v1"/>) have the bits of that loop; returns the pairs covered.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Lanes256x2(float* xs, ushort* w0, ushort* w1, int k, out float v0, out float v1)
    {
        var pairs = k / 2;
        var even = xs;
        var odd = xs + pairs;
        uint* l0 = (uint*)w0, l1 = (uint*)w1;
        var high = Vector256.Create(0xFFFF0000u);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;   // row 0's a0..a3 of Finish
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;   // row 1's
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            var xe = Vector256.Load(even + p);
            var xo = Vector256.Load(odd + p);
            var u = Vector256.Load(l0 + p);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, a0);
            a1 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, a1);
            u = Vector256.Load(l1 + p);
            b0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, b0);
            b1 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, b1);
            xe = Vector256.Load(even + p + 8);
            xo = Vector256.Load(odd + p + 8);
            u = Vector256.Load(l0 + p + 8);
            a2 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, a2);
            a3 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, a3);
            u = Vector256.Load(l1 + p + 8);
            b2 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, b2);
            b3 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, b3);
        }
        if (p + 8 <= pairs)
        {
            var xe = Vector256.Load(even + p);
            var xo = Vector256.Load(odd + p);
            var u = Vector256.Load(l0 + p);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, a0);
            a1 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, a1);
            u = Vector256.Load(l1 + p);
            b0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), xe, b0);
            b1 = Vector256.FusedMultiplyAdd((u & high).AsSingle(), xo, b1);
            p += 8;
        }
        v0 = Vector256.Sum((a0 + a1) + (a2 + a3));
        v1 = Vector256.Sum((b0 + b1) + (b2 + b3));
        return p;
    }

    /// <summary>The scalar end of a dot product whose vector loops covered <paramref name="p"/> pairs into <paramref name="sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float* xs, ushort* w, int k, float sum, int p)
    {
        var pairs = k / 2;
        var even = xs;
        var odd = xs + pairs;
        for (; p < pairs; p++)
        {
            sum += even[p] * Bf16.ToSingle(w[2 * p]) + odd[p] * Bf16.ToSingle(w[2 * p + 1]);
        }
        if ((k & 1) != 0)
        {
            sum += xs[2 * pairs] * Bf16.ToSingle(w[k - 1]);
        }
        return sum;
    }

    private static float[] InputBuffer(int length)
    {
        if (t_input is null || t_input.Length < length)
        {
            // Pinned, so the fixed block costs nothing and worker threads may read it through a raw address.
            t_input = GC.AllocateUninitializedArray<float>(Math.Max(length, 4096), pinned: true);
        }
        return t_input;
    }
}
