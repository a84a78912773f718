using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// bf16 matrix-vector products for decode-sized inputs (a few rows), reading the weights in place. At batch 1 a linear
/// layer streams its whole weight once for 2 flops per element, so speed is memory bandwidth: the kernel keeps one
/// pass over each weight row, widens bf16 to float32 in registers (or, with AVX512_BF16, multiplies bf16 pairs as they
/// are: <see cref="Bf16DotTiles"/>) and accumulates in float32, and splits the output
/// rows over the cores. Results are rounded to bf16 once, like torch's bf16 linear.
/// </summary>
/// <remarks>
/// Each output element is one dot product whose summation order depends only on K (not on M, the row range, the tile
/// or the thread that runs it; see Bf16Gemv.Tiles.cs), so a sequence's result does not depend on what else is in the
/// batch. Several input rows are computed in register tiles, each widened weight vector feeding every input row of
/// its tile, which makes a 32-row decode step compute-bound rather than bound by re-reading weights.
/// </remarks>
internal static unsafe partial class Bf16Gemv
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
        var input = BufferStride(k) == 0 ? null : InputBuffer(m * BufferStride(k));
        fixed (float* buffer = input)
        {
            var xs = Prepare(x, m, k, buffer);
            var chunks = Chunks(m, k, targets);
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

    /// <summary>The instructions the tiles run on this machine, for the startup log.</summary>
    public static string Instructions =>
        Bf16DotTiles.IsSupported ? "AVX512_BF16 (assembled at startup)"
        : Vector512.IsHardwareAccelerated ? $"AVX-512 float32 FMAs{(Bf16DotTiles.IsSwitchedOff ? $" ({Bf16DotTiles.Switch}=0)" : "")}"
        : Vector256.IsHardwareAccelerated ? "AVX2 float32 FMAs" : "torch (no AVX2)";

    /// <summary>Work items of a run over <paramref name="targets"/>: their output rows, counted across them in order, in chunks of <see cref="ChunkRows"/>.</summary>
    public static int Chunks(int m, int k, ReadOnlySpan<GemvTarget> targets) => (TotalRows(targets) + ChunkRows(m, k) - 1) / ChunkRows(m, k);

    /// <summary>Work item <paramref name="chunk"/> of <see cref="Chunks"/>, from an input made by <see cref="Prepare"/>.</summary>
    public static void RunChunk(float* xs, int m, int k, ReadOnlySpan<GemvTarget> targets, int chunk)
    {
        var chunkRows = ChunkRows(m, k);
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

    /// <summary>
    /// Weight rows of length <paramref name="k"/> in one parallel work item for <paramref name="m"/> input rows: about
    /// <see cref="ChunkBytes"/> of weights, in whole tiles (which rows share a tile changes no output's bits, only how
    /// often the inputs are reloaded), and at least <see cref="StretchedItemTiles"/> tiles where the tiles split K in
    /// stretches (<see cref="Stretches"/>), so that each stretch of the inputs serves that many tiles.
    /// </summary>
    public static int ChunkRows(int m, int k)
    {
        var tiles = Math.Max(1, ChunkBytes / (2 * k) / MaxTile);
        if (Bf16DotTiles.IsSupported && Stretches(Math.Min(m, MaxTile), k / 2 / Bf16DotTiles.PairsPerStep) > 1)
        {
            tiles = Math.Max(tiles, StretchedItemTiles);
        }
        if (SweepsTiles(m, k))
        {
            const int perSweep = Bf16DotTiles.SweepRows / MaxTile;
            tiles = (tiles + perSweep - 1) / perSweep * perSweep;               // whole sweep tiles
        }
        return tiles * MaxTile;
    }

    /// <summary>
    /// Fewest tiles in a work item whose K is split: a stretch of 4 input rows is read from the first-level cache by
    /// every tile after the first (at K=4864 and 32 rows, 6 tiles an item ran the decode step ~5% faster than 3), and
    /// 6 tiles of K up to ~10k elements still leave the item's weights in a 1 MiB second-level cache beside an input block.
    /// </summary>
    private const int StretchedItemTiles = 6;

    /// <summary>Floats per row of a prepared input (see <see cref="PrepareInput"/>).</summary>
    public static int InputStride(int k) => Bf16DotTiles.IsSupported ? PairsOffset(k) + AlignToVector(k / 2) : FloatStride(k);

    /// <summary>Floats per row of an input holding the float32 copy alone, as the managed tiles read it (<see cref="PrepareFloats"/>).</summary>
    internal static int FloatStride(int k) => k + 1;

    /// <summary>
    /// Whether a prepared row holds a float32 copy of x: the managed tiles read it, and so does the scalar tail where the
    /// AVX512_BF16 loop leaves K a tail. Otherwise a row is x's bf16 pairs alone and the rows lie back to back, one
    /// stream for the tiles to read: sweeps over 48 such rows (K = 896, one core) ran at ~360 GFLOP/s against ~290 with
    /// each row's pairs after its float32 copy, three times as far apart.
    /// </summary>
    internal static bool KeepsFloats(int k) => !Bf16DotTiles.IsSupported || k % (2 * Bf16DotTiles.PairsPerStep) != 0;

    /// <summary>
    /// x (M, K) bf16 as the rows <see cref="RunRows"/> reads, <see cref="InputStride"/> floats apart: where
    /// <see cref="KeepsFloats"/>, float32 in the order the managed tiles and the scalar tail consume it (see
    /// <see cref="PrepareFloats"/>); then, for <see cref="Bf16DotTiles"/>, the row's bf16 pairs as they are
    /// (<see cref="PairsOffset"/> floats in).
    /// </summary>
    public static void PrepareInput(ushort* x, int m, int k, float* into)
    {
        if (!Bf16DotTiles.IsSupported)
        {
            PrepareFloats(x, m, k, into);
            return;
        }
        var stride = InputStride(k);
        var keepsFloats = KeepsFloats(k);
        for (var r = 0; r < m; r++)
        {
            var row = into + (long)r * stride;
            if (keepsFloats)
            {
                SplitEvenOdd(x + (long)r * k, k, row);
            }
            var bytes = k / 2 * sizeof(uint);
            Buffer.MemoryCopy(x + (long)r * k, row + PairsOffset(k), bytes, bytes);
        }
    }

    /// <summary>
    /// The input <see cref="RunRows"/> reads for x (M, K) bf16: x itself where a prepared row is its bf16 pairs alone
    /// (<see cref="KeepsFloats"/>: then x's rows are already laid out so), else x prepared into <paramref name="buffer"/>
    /// (M x <see cref="BufferStride"/> floats), which saves a copy of the input per linear.
    /// </summary>
    public static float* Prepare(ushort* x, int m, int k, float* buffer)
    {
        if (!KeepsFloats(k))
        {
            return (float*)x;
        }
        PrepareInput(x, m, k, buffer);
        return buffer;
    }

    /// <summary>Floats per input row that <see cref="Prepare"/> needs in its buffer: none where it reads x in place.</summary>
    public static int BufferStride(int k) => KeepsFloats(k) ? InputStride(k) : 0;

    /// <summary>x (M, K) bf16 as float32 rows <see cref="FloatStride"/> apart, in the order the managed tiles consume them.</summary>
    internal static void PrepareFloats(ushort* x, int m, int k, float* into)
    {
        for (var r = 0; r < m; r++)
        {
            SplitEvenOdd(x + (long)r * k, k, into + (long)r * FloatStride(k));
        }
    }

    /// <summary>
    /// Where a prepared row's bf16 pairs start, in floats: after its K float32 values, on a 64-byte boundary of the row,
    /// where it keeps them (<see cref="KeepsFloats"/>); at its start otherwise.
    /// </summary>
    internal static int PairsOffset(int k) => KeepsFloats(k) ? AlignToVector(k + 1) : 0;

    private static int AlignToVector(int floats) => (floats + 15) & ~15;

    /// <summary>Output rows [start, end) counted across the targets in order, from an input made by <see cref="Prepare"/>.</summary>
    [SkipLocalsInit]
    public static void RunRows(float* xs, int m, int k, int stride, ReadOnlySpan<GemvTarget> targets, int start, int end)
    {
        var sums = stackalloc float[MaxSums];                                   // units of (inputs, rows) of MaxTile each
        var offset = 0;
        foreach (var t in targets)
        {
            int lo = Math.Max(start, offset) - offset, hi = Math.Min(end, offset + t.Rows) - offset;
            var weight = (ushort*)t.Weight;
            var bias = (ushort*)t.Bias;
            var output = (ushort*)t.Output;
            // The item's weights a few tiles (or one) at a time, each call's against every block of input rows in turn
            // (see SweepsTiles for which of the two stays in the first-level cache).
            for (var row = lo; row < hi;)
            {
                var tiles = TilesForNextCall(hi - row, m, k, out var rows);
                for (var r = 0; r < m;)
                {
                    RunNext(xs, stride, m, r, weight + (long)row * k, k, rows, tiles, sums, out var units);
                    var sink = new OutputSink(output + (long)r * t.Rows + row, t.Rows, bias == null ? null : bias + row);
                    units.Scatter(sums, ref sink);
                    r += units.Inputs;
                }
                row += tiles * rows;
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
        var p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // A 32-bit lane holds (x[2p], x[2p+1]): shifted left it is the even element, masked the odd one (exact).
            var lanes = (uint*)x;
            var high = Vector256.Create(0xFFFF0000u);
            for (; p + 8 <= pairs; p += 8)
            {
                var u = Vector256.Load(lanes + p);
                Vector256.ShiftLeft(u, 16).AsSingle().Store(into + p);
                (u & high).AsSingle().Store(into + pairs + p);
            }
        }
        for (; p < pairs; p++)
        {
            into[p] = Bf16.ToSingle(x[2 * p]);
            into[pairs + p] = Bf16.ToSingle(x[2 * p + 1]);
        }
        if ((k & 1) != 0)
        {
            into[2 * pairs] = Bf16.ToSingle(x[k - 1]);
        }
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
