using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The dot products of <see cref="Bf16Gemv"/>, computed in register tiles of weight rows x input rows.
/// </summary>
/// <remarks>
/// Every output element takes one fixed sequence of operations that depends only on K: a 16-lane float32 accumulator
/// that, for each 16 pairs of elements, adds the odd elements' products and then the even ones' (one fused
/// multiply-add each: the order of AVX512_BF16's VDPBF16PS, which <see cref="Bf16DotTiles"/> runs where the CPU has
/// it), then a fixed tree over its lanes (<see cref="Reduce"/>), then the pairs past the last 16 and
/// the last element of an odd K in scalar order (<see cref="Tail"/>). The tiles only choose which outputs run side by
/// side, so a row's bits do not depend on the tile, the row count, the thread or the vector width: the 256-bit code
/// keeps the accumulator as two halves that see exactly the 512-bit lanes' operations.
/// A 32-bit lane of the weight holds the pair (w[2p], w[2p+1]): shifting left by 16 makes the even element a float32
/// and masking the low half makes the odd one, so widening costs two ALU ops, shared by every input row of the tile.
/// </remarks>
internal static unsafe partial class Bf16Gemv
{
    /// <summary>The largest tile side: 4 x 4 accumulators plus 8 widened weight vectors fit AVX-512's 32 registers.</summary>
    public const int MaxTile = 4;

    /// <summary>
    /// sums[i * <see cref="MaxTile"/> + j] = x_i · w_j for <paramref name="inputs"/> input rows (prepared by
    /// <see cref="PrepareInput"/>, <paramref name="stride"/> apart) and <paramref name="rows"/> weight rows (K apart),
    /// both at most <see cref="MaxTile"/>.
    /// </summary>
    public static void Block(float* xs, int stride, int inputs, ushort* w, int k, int rows, float* sums)
    {
        if (Bf16DotTiles.IsSupported)
        {
            BlockBf16(xs, stride, inputs, w, k, rows, 1, sums);
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            Block512(xs, stride, inputs, w, k, rows, sums);
        }
        else
        {
            Block256(xs, stride, inputs, w, k, rows, sums);
        }
    }

    /// <summary>
    /// Tiles one <see cref="Tiles"/> call takes at most, and whole blocks of input rows one sweep takes
    /// (<see cref="RunNext"/>): enough to amortise a call, few enough for the callers' stack buffers.
    /// </summary>
    public const int TilesPerCall = 16;

    /// <summary>Floats of sums one <see cref="RunNext"/> call may leave: a sweep's 16 blocks of two units of 16.</summary>
    public const int MaxSums = TilesPerCall * Bf16DotTiles.SweepRows / MaxTile * MaxTile * MaxTile;

    /// <summary>
    /// Whether <paramref name="m"/> input rows of length <paramref name="k"/> meet the weights one tile at a time, each
    /// tile against every block of input rows in turn while its weights stay in the first-level cache
    /// (<see cref="RunNext"/>, in <see cref="Bf16DotTiles.RunSweep"/>'s 3 x 8 tiles), rather than a block of inputs
    /// against many tiles. The weights then stream from memory at an even pace over the whole step instead of in a burst
    /// at each work item's first block, which the compute did not hide (K=896, 32 rows, two cores each over 64 MiB of
    /// weights, in the 4 x 4 tiles: ~250 -> ~300-340 GFLOP/s a core). Only for the
    /// assembled tiles (the managed ones, a call per block, ran a 32-row decode 6-17% slower so), not for one block,
    /// nor where K is split in stretches (<see cref="Stretches"/>), whose point is a block meeting many tiles.
    /// </summary>
    public static bool SweepsTiles(int m, int k) =>
        m > MaxTile && Bf16DotTiles.IsSupported && Stretches(MaxTile, k / 2 / Bf16DotTiles.PairsPerStep) == 1;

    /// <summary>
    /// How the next calls of <see cref="RunNext"/> cover <paramref name="remaining"/> weight rows: one sweep tile of up to
    /// <see cref="Bf16DotTiles.SweepRows"/> where <see cref="SweepsTiles"/>, else as many whole tiles as fit a call, the
    /// last fewer than <see cref="MaxTile"/> rows as one part tile; <paramref name="rows"/> is a tile's.
    /// </summary>
    public static int TilesForNextCall(int remaining, int m, int k, out int rows)
    {
        if (SweepsTiles(m, k))
        {
            rows = Math.Min(Bf16DotTiles.SweepRows, remaining);
            return 1;
        }
        rows = Math.Min(MaxTile, remaining);
        return Math.Max(1, Math.Min(TilesPerCall, remaining / MaxTile));
    }

    /// <summary>
    /// Input rows from <paramref name="r"/> on (of <paramref name="m"/>, prepared, <paramref name="stride"/> apart) against
    /// <paramref name="tiles"/> tiles of <paramref name="rows"/> weight rows from <paramref name="w"/>, as
    /// <see cref="TilesForNextCall"/> sized them, into at most <see cref="MaxSums"/> floats of <paramref name="sums"/>
    /// laid out as <paramref name="units"/> says (which also tells how many input rows the call covered): one block of
    /// at most MaxTile inputs against the tiles, or a sweep's one tile against up to <see cref="TilesPerCall"/> whole
    /// blocks of <see cref="Bf16DotTiles.SweepInputs"/> rows and, if that reaches the last rows, their part block.
    /// </summary>
    public static void RunNext(float* xs, int stride, int m, int r, ushort* w, int k, int rows, int tiles, float* sums, out SumUnits units)
    {
        var x = xs + (long)r * stride;
        if (!SweepsTiles(m, k))
        {
            var inputs = Math.Min(MaxTile, m - r);
            Tiles(x, stride, inputs, w, k, rows, tiles, sums);
            units = new SumUnits(inputs, inputs, tiles * rows, rows);
            return;
        }
        Debug.Assert(tiles == 1 && rows <= Bf16DotTiles.SweepRows, "a sweep takes one tile");
        const int lanes = Bf16DotTiles.PairsPerStep, block = Bf16DotTiles.SweepInputs;
        var steps = k / 2 / lanes;
        var whole = Math.Min(TilesPerCall, (m - r) / block);
        var part = whole < TilesPerCall ? m - r - whole * block : 0;
        long xBytes = (long)stride * sizeof(float), wBytes = (long)k * sizeof(ushort);
        var pairs = (uint*)(x + PairsOffset(k));
        if (whole > 0)
        {
            Bf16DotTiles.RunSweep(pairs, xBytes, block, (uint*)w, wBytes, rows, steps, whole, sums);
        }
        if (part > 0)
        {
            var after = Bf16DotTiles.SweepUnits(rows) * whole * MaxTile * MaxTile;
            Bf16DotTiles.RunSweep(pairs + (long)whole * block * stride, xBytes, part, (uint*)w, wBytes, rows, steps, 1, sums + after);
        }
        units = new SumUnits(whole * block + part, block, rows, MaxTile);
        AddTails(x, stride, w, k, units, sums, steps * lanes);
    }

    /// <summary>
    /// <see cref="Block"/> for <paramref name="tiles"/> consecutive tiles of <paramref name="rows"/> weight rows each:
    /// sums[t * 16 + i * MaxTile + j] for tile t. The AVX512_BF16 code runs them in one call; the managed tiles one by one.
    /// </summary>
    public static void Tiles(float* xs, int stride, int inputs, ushort* w, int k, int rows, int tiles, float* sums)
    {
        if (Bf16DotTiles.IsSupported)
        {
            BlockBf16(xs, stride, inputs, w, k, rows, tiles, sums);
            return;
        }
        for (var t = 0; t < tiles; t++)
        {
            Block(xs, stride, inputs, w + (long)t * rows * k, k, rows, sums + t * MaxTile * MaxTile);
        }
    }

    /// <summary>
    /// <see cref="Tiles"/> with the vector loop and lane tree in AVX512_BF16 (<see cref="Bf16DotTiles"/>, any shape up to
    /// 4 x 4), then the managed tiles' scalar tail where K leaves one.
    /// </summary>
    internal static void BlockBf16(float* xs, int stride, int inputs, ushort* w, int k, int rows, int tiles, float* sums)
    {
        const int lanes = Bf16DotTiles.PairsPerStep;
        if (inputs == 0 || rows == 0 || tiles == 0)
        {
            return;                                                                 // nothing to sum, as in the managed tiles
        }
        var steps = k / 2 / lanes;
        var stretches = Stretches(inputs, steps);
        if (stretches == 1)
        {
            Bf16DotTiles.Run((uint*)(xs + PairsOffset(k)), (long)stride * sizeof(float), inputs, (uint*)w, (long)k * sizeof(ushort), rows, steps, tiles, sums);
        }
        else
        {
            RunStretches(xs, stride, inputs, w, k, rows, tiles, sums, steps, stretches);
        }
        AddTails(xs, stride, w, k, new SumUnits(inputs, inputs, tiles * rows, rows), sums, steps * lanes);
    }

    /// <summary>
    /// The managed tiles' scalar tail (pairs from <paramref name="done"/> on, and an odd K's last element) added to
    /// the sums after the assembled vector loop, wherever <paramref name="units"/> puts them; nothing where K leaves none.
    /// </summary>
    private static void AddTails(float* xs, int stride, ushort* w, int k, SumUnits units, float* sums, int done)
    {
        if (done * 2 == k)
        {
            return;
        }
        foreach (var u in units)
        {
            var unit = sums + u.Index * MaxTile * MaxTile;
            for (var i = 0; i < u.Inputs; i++)
            {
                for (var j = 0; j < u.Rows; j++)
                {
                    unit[i * MaxTile + j] = Tail(xs + (long)(u.FirstInput + i) * stride, w + (long)(u.FirstRow + j) * k, k, unit[i * MaxTile + j], done);
                }
            }
        }
    }

    /// <summary>Largest block of input rows (bytes of bf16 pairs) the tiles read whole: K = 2048 at 4 rows.</summary>
    internal const int WholeInputBytes = 16 * 1024;

    /// <summary>
    /// Bytes a stretch of a longer block aims at (the stretches are as even as whole steps allow, so one may exceed it by
    /// a step of the block's rows): a quarter of a 48 KiB first-level cache, the weights streaming through the rest.
    /// </summary>
    internal const int StretchInputBytes = 12 * 1024;

    /// <summary>
    /// Stretches K's <paramref name="steps"/> (16 pairs each) are split into for a block of <paramref name="inputs"/>
    /// rows: 1 while the block is at most <see cref="WholeInputBytes"/>. A longer block (4 rows of K=4864 are 38 KiB) is
    /// evicted by the weights streaming past before the next tile reads it, so every tile would read both from the
    /// second-level cache; a stretch of it stays in the first while each tile of the call reads it. Measured on one
    /// core, 4 input rows against 6-10 tiles: K=3072 223 -> 292 GFLOP/s in 3 stretches, K=4864 ~250 -> ~305 in 4,
    /// K=8960 266 -> 301 in 6; K=2048 in 2 was 3% slower than whole.
    /// </summary>
    internal static int Stretches(int inputs, long steps)
    {
        var bytes = inputs * steps * Bf16DotTiles.PairsPerStep * sizeof(uint);
        return bytes <= WholeInputBytes ? 1 : (int)Math.Min(steps, (bytes + StretchInputBytes - 1) / StretchInputBytes);
    }

    /// <summary>
    /// <see cref="BlockBf16"/>'s vector loop in <paramref name="stretches"/> stretches of K, each over every tile before
    /// the next, the tiles' accumulators kept unrounded between them (the same bits as one pass).
    /// </summary>
    [SkipLocalsInit]
    internal static void RunStretches(float* xs, int stride, int inputs, ushort* w, int k, int rows, int tiles, float* sums, long steps, int stretches)
    {
        const int lanes = Bf16DotTiles.PairsPerStep;
        var kept = stackalloc byte[TilesPerCall * Bf16DotTiles.LaneBytesPerTile + 63];
        var aligned = (float*)(((nint)kept + 63) & ~(nint)63);
        var x = (uint*)(xs + PairsOffset(k));
        for (var done = 0; done < tiles; done += TilesPerCall)
        {
            var count = Math.Min(TilesPerCall, tiles - done);
            var tileW = (uint*)(w + (long)done * rows * k);
            for (var s = 0; s < stretches; s++)
            {
                long from = steps * s / stretches, to = steps * (s + 1) / stretches;
                var pass = s == 0 ? TilePass.First : s == stretches - 1 ? TilePass.Last : TilePass.Middle;
                Bf16DotTiles.RunStretch(pass, x + from * lanes, (long)stride * sizeof(float), inputs, tileW + from * lanes, (long)k * sizeof(ushort),
                    rows, to - from, count, aligned, sums + done * MaxTile * MaxTile);
            }
        }
    }

    /// <summary><see cref="Block"/> in 512-bit tiles (4 x 4, 4 x 1, then single outputs).</summary>
    internal static void Block512(float* xs, int stride, int inputs, ushort* w, int k, int rows, float* sums)
    {
        if (rows == 4 && inputs == 4)
        {
            Tile4x4(xs, stride, w, k, sums);
            return;
        }
        for (var i = 0; i < inputs; i++)
        {
            if (rows == 4)
            {
                Tile4x1(xs + (long)i * stride, w, k, sums + i * MaxTile);
                continue;
            }
            for (var j = 0; j < rows; j++)
            {
                sums[i * MaxTile + j] = Dot512(xs + (long)i * stride, w + (long)j * k, k);
            }
        }
    }

    /// <summary>
    /// <see cref="Block"/> in 256-bit tiles for CPUs without AVX-512: 2 x 2 outputs of two halves each, so 8 accumulators
    /// and 4 widened weight vectors fit 16 registers; then 2 x 1, then single outputs.
    /// </summary>
    internal static void Block256(float* xs, int stride, int inputs, ushort* w, int k, int rows, float* sums)
    {
        var i = 0;
        for (; i + 2 <= inputs; i += 2)
        {
            var j = 0;
            for (; j + 2 <= rows; j += 2)
            {
                Tile2x2(xs + (long)i * stride, stride, w + (long)j * k, k, sums + i * MaxTile + j);
            }
            for (; j < rows; j++)
            {
                sums[i * MaxTile + j] = Dot256(xs + (long)i * stride, w + (long)j * k, k);
                sums[(i + 1) * MaxTile + j] = Dot256(xs + (long)(i + 1) * stride, w + (long)j * k, k);
            }
        }
        for (; i < inputs; i++)
        {
            var j = 0;
            for (; j + 2 <= rows; j += 2)
            {
                Tile2x1(xs + (long)i * stride, w + (long)j * k, k, sums + i * MaxTile + j);
            }
            for (; j < rows; j++)
            {
                sums[i * MaxTile + j] = Dot256(xs + (long)i * stride, w + (long)j * k, k);
            }
        }
    }

    /// <summary>One output: x · w over K (x prepared by <see cref="PrepareInput"/>), 512-bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot512(float* xs, ushort* w, int k)
    {
        var pairs = k / 2;
        var lanes = (uint*)w;
        var high = Vector512.Create(0xFFFF0000u);
        var a = Vector512<float>.Zero;
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            var u = Vector512.Load(lanes + p);
            a = Vector512.FusedMultiplyAdd((u & high).AsSingle(), Vector512.Load(xs + pairs + p), a);
            a = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(u, 16).AsSingle(), Vector512.Load(xs + p), a);
        }
        return Tail(xs, w, k, Reduce(a), p);
    }

    /// <summary><see cref="Dot512"/> as two 256-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot256(float* xs, ushort* w, int k)
    {
        var pairs = k / 2;
        var lanes = (uint*)w;
        var high = Vector256.Create(0xFFFF0000u);
        Vector256<float> lo = default, hi = default;
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            var u = Vector256.Load(lanes + p);
            lo = Vector256.FusedMultiplyAdd((u & high).AsSingle(), Vector256.Load(xs + pairs + p), lo);
            lo = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), Vector256.Load(xs + p), lo);
            u = Vector256.Load(lanes + p + 8);
            hi = Vector256.FusedMultiplyAdd((u & high).AsSingle(), Vector256.Load(xs + pairs + p + 8), hi);
            hi = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u, 16).AsSingle(), Vector256.Load(xs + p + 8), hi);
        }
        return Tail(xs, w, k, Reduce(lo + hi), p);
    }

    /// <summary>Four weight rows (K apart) against four input rows (<paramref name="stride"/> apart), AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4(float* xs, int stride, ushort* w, int k, float* sums)
    {
        var pairs = k / 2;
        uint* l0 = (uint*)w, l1 = (uint*)(w + k), l2 = (uint*)(w + 2L * k), l3 = (uint*)(w + 3L * k);
        float* x0 = xs, x1 = xs + stride, x2 = xs + 2L * stride, x3 = xs + 3L * stride;
        var high = Vector512.Create(0xFFFF0000u);
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;   // input row 0 x weight rows 0..3
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        var next = (byte*)(w + 4L * k);
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            PrefetchNext(next, p, 4);
            var u0 = Vector512.Load(l0 + p);
            var u1 = Vector512.Load(l1 + p);
            var u2 = Vector512.Load(l2 + p);
            var u3 = Vector512.Load(l3 + p);
            Vector512<float> e0 = Vector512.ShiftLeft(u0, 16).AsSingle(), o0 = (u0 & high).AsSingle();
            Vector512<float> e1 = Vector512.ShiftLeft(u1, 16).AsSingle(), o1 = (u1 & high).AsSingle();
            Vector512<float> e2 = Vector512.ShiftLeft(u2, 16).AsSingle(), o2 = (u2 & high).AsSingle();
            Vector512<float> e3 = Vector512.ShiftLeft(u3, 16).AsSingle(), o3 = (u3 & high).AsSingle();
            var xe = Vector512.Load(x0 + p);
            var xo = Vector512.Load(x0 + pairs + p);
            a00 = Vector512.FusedMultiplyAdd(o0, xo, a00);
            a01 = Vector512.FusedMultiplyAdd(o1, xo, a01);
            a02 = Vector512.FusedMultiplyAdd(o2, xo, a02);
            a03 = Vector512.FusedMultiplyAdd(o3, xo, a03);
            a00 = Vector512.FusedMultiplyAdd(e0, xe, a00);
            a01 = Vector512.FusedMultiplyAdd(e1, xe, a01);
            a02 = Vector512.FusedMultiplyAdd(e2, xe, a02);
            a03 = Vector512.FusedMultiplyAdd(e3, xe, a03);
            xe = Vector512.Load(x1 + p);
            xo = Vector512.Load(x1 + pairs + p);
            a10 = Vector512.FusedMultiplyAdd(o0, xo, a10);
            a11 = Vector512.FusedMultiplyAdd(o1, xo, a11);
            a12 = Vector512.FusedMultiplyAdd(o2, xo, a12);
            a13 = Vector512.FusedMultiplyAdd(o3, xo, a13);
            a10 = Vector512.FusedMultiplyAdd(e0, xe, a10);
            a11 = Vector512.FusedMultiplyAdd(e1, xe, a11);
            a12 = Vector512.FusedMultiplyAdd(e2, xe, a12);
            a13 = Vector512.FusedMultiplyAdd(e3, xe, a13);
            xe = Vector512.Load(x2 + p);
            xo = Vector512.Load(x2 + pairs + p);
            a20 = Vector512.FusedMultiplyAdd(o0, xo, a20);
            a21 = Vector512.FusedMultiplyAdd(o1, xo, a21);
            a22 = Vector512.FusedMultiplyAdd(o2, xo, a22);
            a23 = Vector512.FusedMultiplyAdd(o3, xo, a23);
            a20 = Vector512.FusedMultiplyAdd(e0, xe, a20);
            a21 = Vector512.FusedMultiplyAdd(e1, xe, a21);
            a22 = Vector512.FusedMultiplyAdd(e2, xe, a22);
            a23 = Vector512.FusedMultiplyAdd(e3, xe, a23);
            xe = Vector512.Load(x3 + p);
            xo = Vector512.Load(x3 + pairs + p);
            a30 = Vector512.FusedMultiplyAdd(o0, xo, a30);
            a31 = Vector512.FusedMultiplyAdd(o1, xo, a31);
            a32 = Vector512.FusedMultiplyAdd(o2, xo, a32);
            a33 = Vector512.FusedMultiplyAdd(o3, xo, a33);
            a30 = Vector512.FusedMultiplyAdd(e0, xe, a30);
            a31 = Vector512.FusedMultiplyAdd(e1, xe, a31);
            a32 = Vector512.FusedMultiplyAdd(e2, xe, a32);
            a33 = Vector512.FusedMultiplyAdd(e3, xe, a33);
        }
        ushort* w0 = w, w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        sums[0] = Tail(x0, w0, k, Reduce(a00), p);
        sums[1] = Tail(x0, w1, k, Reduce(a01), p);
        sums[2] = Tail(x0, w2, k, Reduce(a02), p);
        sums[3] = Tail(x0, w3, k, Reduce(a03), p);
        sums[MaxTile] = Tail(x1, w0, k, Reduce(a10), p);
        sums[MaxTile + 1] = Tail(x1, w1, k, Reduce(a11), p);
        sums[MaxTile + 2] = Tail(x1, w2, k, Reduce(a12), p);
        sums[MaxTile + 3] = Tail(x1, w3, k, Reduce(a13), p);
        sums[2 * MaxTile] = Tail(x2, w0, k, Reduce(a20), p);
        sums[2 * MaxTile + 1] = Tail(x2, w1, k, Reduce(a21), p);
        sums[2 * MaxTile + 2] = Tail(x2, w2, k, Reduce(a22), p);
        sums[2 * MaxTile + 3] = Tail(x2, w3, k, Reduce(a23), p);
        sums[3 * MaxTile] = Tail(x3, w0, k, Reduce(a30), p);
        sums[3 * MaxTile + 1] = Tail(x3, w1, k, Reduce(a31), p);
        sums[3 * MaxTile + 2] = Tail(x3, w2, k, Reduce(a32), p);
        sums[3 * MaxTile + 3] = Tail(x3, w3, k, Reduce(a33), p);
    }

    /// <summary>Four weight rows (K apart) against one input row, AVX-512: a batch-1 decode, bound by streaming the weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1(float* xs, ushort* w, int k, float* sums)
    {
        var pairs = k / 2;
        uint* l0 = (uint*)w, l1 = (uint*)(w + k), l2 = (uint*)(w + 2L * k), l3 = (uint*)(w + 3L * k);
        var high = Vector512.Create(0xFFFF0000u);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var next = (byte*)(w + 4L * k);
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            PrefetchNext(next, p, 4);
            var xe = Vector512.Load(xs + p);
            var xo = Vector512.Load(xs + pairs + p);
            var u0 = Vector512.Load(l0 + p);
            var u1 = Vector512.Load(l1 + p);
            var u2 = Vector512.Load(l2 + p);
            var u3 = Vector512.Load(l3 + p);
            a0 = Vector512.FusedMultiplyAdd((u0 & high).AsSingle(), xo, a0);
            a1 = Vector512.FusedMultiplyAdd((u1 & high).AsSingle(), xo, a1);
            a2 = Vector512.FusedMultiplyAdd((u2 & high).AsSingle(), xo, a2);
            a3 = Vector512.FusedMultiplyAdd((u3 & high).AsSingle(), xo, a3);
            a0 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(u0, 16).AsSingle(), xe, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(u1, 16).AsSingle(), xe, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(u2, 16).AsSingle(), xe, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.ShiftLeft(u3, 16).AsSingle(), xe, a3);
        }
        sums[0] = Tail(xs, w, k, Reduce(a0), p);
        sums[1] = Tail(xs, w + k, k, Reduce(a1), p);
        sums[2] = Tail(xs, w + 2L * k, k, Reduce(a2), p);
        sums[3] = Tail(xs, w + 3L * k, k, Reduce(a3), p);
    }

    /// <summary>
    /// Two weight rows against two input rows in 256-bit vectors (CPUs without AVX-512): each output's accumulator as
    /// its low and high eight lanes, so 8 accumulators and 4 widened weight vectors fit 16 registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x2(float* xs, int stride, ushort* w, int k, float* sums)
    {
        var pairs = k / 2;
        uint* l0 = (uint*)w, l1 = (uint*)(w + k);
        float* x0 = xs, x1 = xs + stride;
        var high = Vector256.Create(0xFFFF0000u);
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;   // low lanes: input row x weight row
        Vector256<float> b00 = default, b01 = default, b10 = default, b11 = default;   // high lanes
        var next = (byte*)(w + 2L * k);
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            PrefetchNext(next, p, 2);
            var u0 = Vector256.Load(l0 + p);
            var u1 = Vector256.Load(l1 + p);
            Vector256<float> e0 = Vector256.ShiftLeft(u0, 16).AsSingle(), o0 = (u0 & high).AsSingle();
            Vector256<float> e1 = Vector256.ShiftLeft(u1, 16).AsSingle(), o1 = (u1 & high).AsSingle();
            var xe = Vector256.Load(x0 + p);
            var xo = Vector256.Load(x0 + pairs + p);
            a00 = Vector256.FusedMultiplyAdd(o0, xo, a00);
            a01 = Vector256.FusedMultiplyAdd(o1, xo, a01);
            a00 = Vector256.FusedMultiplyAdd(e0, xe, a00);
            a01 = Vector256.FusedMultiplyAdd(e1, xe, a01);
            xe = Vector256.Load(x1 + p);
            xo = Vector256.Load(x1 + pairs + p);
            a10 = Vector256.FusedMultiplyAdd(o0, xo, a10);
            a11 = Vector256.FusedMultiplyAdd(o1, xo, a11);
            a10 = Vector256.FusedMultiplyAdd(e0, xe, a10);
            a11 = Vector256.FusedMultiplyAdd(e1, xe, a11);
            u0 = Vector256.Load(l0 + p + 8);
            u1 = Vector256.Load(l1 + p + 8);
            e0 = Vector256.ShiftLeft(u0, 16).AsSingle();
            o0 = (u0 & high).AsSingle();
            e1 = Vector256.ShiftLeft(u1, 16).AsSingle();
            o1 = (u1 & high).AsSingle();
            xe = Vector256.Load(x0 + p + 8);
            xo = Vector256.Load(x0 + pairs + p + 8);
            b00 = Vector256.FusedMultiplyAdd(o0, xo, b00);
            b01 = Vector256.FusedMultiplyAdd(o1, xo, b01);
            b00 = Vector256.FusedMultiplyAdd(e0, xe, b00);
            b01 = Vector256.FusedMultiplyAdd(e1, xe, b01);
            xe = Vector256.Load(x1 + p + 8);
            xo = Vector256.Load(x1 + pairs + p + 8);
            b10 = Vector256.FusedMultiplyAdd(o0, xo, b10);
            b11 = Vector256.FusedMultiplyAdd(o1, xo, b11);
            b10 = Vector256.FusedMultiplyAdd(e0, xe, b10);
            b11 = Vector256.FusedMultiplyAdd(e1, xe, b11);
        }
        sums[0] = Tail(x0, w, k, Reduce(a00 + b00), p);
        sums[1] = Tail(x0, w + k, k, Reduce(a01 + b01), p);
        sums[MaxTile] = Tail(x1, w, k, Reduce(a10 + b10), p);
        sums[MaxTile + 1] = Tail(x1, w + k, k, Reduce(a11 + b11), p);
    }

    /// <summary>Two weight rows against one input row in 256-bit vectors, as <see cref="Tile2x2"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x1(float* xs, ushort* w, int k, float* sums)
    {
        var pairs = k / 2;
        uint* l0 = (uint*)w, l1 = (uint*)(w + k);
        var high = Vector256.Create(0xFFFF0000u);
        Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default;   // low and high lanes of each row
        var next = (byte*)(w + 2L * k);
        var p = 0;
        for (; p + 16 <= pairs; p += 16)
        {
            PrefetchNext(next, p, 2);
            var xe = Vector256.Load(xs + p);
            var xo = Vector256.Load(xs + pairs + p);
            var u0 = Vector256.Load(l0 + p);
            var u1 = Vector256.Load(l1 + p);
            a0 = Vector256.FusedMultiplyAdd((u0 & high).AsSingle(), xo, a0);
            a1 = Vector256.FusedMultiplyAdd((u1 & high).AsSingle(), xo, a1);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u0, 16).AsSingle(), xe, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u1, 16).AsSingle(), xe, a1);
            xe = Vector256.Load(xs + p + 8);
            xo = Vector256.Load(xs + pairs + p + 8);
            u0 = Vector256.Load(l0 + p + 8);
            u1 = Vector256.Load(l1 + p + 8);
            b0 = Vector256.FusedMultiplyAdd((u0 & high).AsSingle(), xo, b0);
            b1 = Vector256.FusedMultiplyAdd((u1 & high).AsSingle(), xo, b1);
            b0 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u0, 16).AsSingle(), xe, b0);
            b1 = Vector256.FusedMultiplyAdd(Vector256.ShiftLeft(u1, 16).AsSingle(), xe, b1);
        }
        sums[0] = Tail(xs, w, k, Reduce(a0 + b0), p);
        sums[1] = Tail(xs, w + k, k, Reduce(a1 + b1), p);
    }

    /// <summary>
    /// Asks for the weight rows after a tile's (<paramref name="next"/>, <paramref name="rows"/> rows that follow the
    /// tile's in memory) at the pace the tile reads its own, 64 bytes per row per iteration: the reads then form one
    /// sequential stream, which the hardware prefetcher does not see in a tile's interleaved rows (a batch-1 decode
    /// of K=896 rows ran at two thirds of the row-by-row speed without it). A prefetch never faults, so the last
    /// tile may ask for bytes past the weight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNext(byte* next, int p, int rows)
    {
        if (Sse.IsSupported)
        {
            var ahead = next + (long)p * sizeof(uint) * rows;       // p pairs = 4p bytes of each of the rows
            for (var line = 0; line < rows; line++)
            {
                Sse.Prefetch0(ahead + line * 64);
            }
        }
    }

    /// <summary>A 16-lane accumulator's sum: its halves added lane by lane, then <see cref="Reduce(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector512<float> a) => Reduce(a.GetLower() + a.GetUpper());

    /// <summary>Lanes i and i + 8 of a 16-lane accumulator, added: the same tree on every vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector256<float> eight)
    {
        var four = eight.GetLower() + eight.GetUpper();
        return (four.GetElement(0) + four.GetElement(2)) + (four.GetElement(1) + four.GetElement(3));
    }

    /// <summary>The scalar end of a dot product whose vector loop covered <paramref name="p"/> pairs into <paramref name="sum"/>.</summary>
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
}
