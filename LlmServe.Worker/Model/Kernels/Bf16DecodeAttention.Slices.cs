using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static LlmServe.Worker.Model.Kernels.VectorMath;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The decode attention of one (sequence, kv head) for head sizes made of whole 512-bit slices (64, 128, ...): the
/// general <see cref="Group"/>'s arithmetic in an order that keeps the CPU busy. Scores keep two accumulators per dot
/// product instead of one long chain: from four query heads per kv head over transposed blocks of 16 keys
/// (<see cref="ScoreTransposedBlocks"/>), below that with 16 keys' sums reduced together (<see cref="Score16"/>). The
/// weighted sum of V runs two 16-wide slices of the head at a time for eight query heads at once, its accumulators in
/// registers, instead of reading and writing every head's context for every key.
/// </summary>
/// <remarks>
/// Like the general path, each float32 sum depends only on the head size and the sequence's own context, so a sequence
/// gets the same bits alone and in any batch; which scoring a model takes is fixed by its head counts.
/// </remarks>
internal static unsafe partial class Bf16DecodeAttention
{
    /// <summary>Floats in one 512-bit slice of a head.</summary>
    private const int Slice = 16;

    /// <summary>
    /// Query heads whose weighted sums of V run together: their accumulators stay in registers, and eight independent
    /// chains of fused multiply-adds keep both FMA pipes busy where four left them waiting on each other's latency.
    /// </summary>
    private const int HeadsPerPass = 8;

    /// <summary>Keys scored together by <see cref="Score16"/>: one per float32 lane of a 512-bit vector.</summary>
    private const int KeyBlock = 16;

    private static void GroupInSlices(in Args a, int sequence, int kvHead)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        var passes = (g + HeadsPerPass - 1) / HeadsPerPass;
        var context = a.Row(sequence);
        var stride = context.Stride(Slice);                                 // a score row padded to whole vectors
        var pairedValues = Bf16PairedValues.IsSupported && d % Bf16PairedValues.Elements == 0;
        var pairStride = Bf16PairedValues.PairStride(stride);
        var scratch = Scratch(g * d + KeyBlock * d + passes * HeadsPerPass * stride + g * d + (pairedValues ? g * pairStride : 0));
        var row = ((long*)a.TokenRows)[sequence];
        var offset = (row * a.Heads + (long)kvHead * g) * d;               // the group's heads are adjacent: (G, D)
        fixed (float* buffer = scratch)
        {
            // (G, D) queries, (16, D) widened keys (or (D, 16) transposed), (G rounded up to a whole pass, stride) scores, (G, D) contexts,
            // then, when V's sums are paired, (G, pairStride) packed probabilities
            float* queries = buffer, keys = queries + g * d, scores = keys + KeyBlock * d, contexts = scores + passes * HeadsPerPass * stride;
            WidenQueries(a, offset, g * d, queries);
            if (ScoresTransposed(g, d))
            {
                ScoreTransposedBlocks(a, kvHead, context, queries, (ushort*)a.Q + offset, keys, scores, stride);
            }
            else
            {
                ScoreInBlocks(a, kvHead, context, queries, keys, scores, stride);
            }
            SoftmaxRows(scores, g, stride, a.Scale);
            if (pairedValues)
            {
                PairedWeightedValues(a, kvHead, context, scores, stride, (uint*)(contexts + g * d), pairStride, contexts);
            }
            else
            {
                WeightedValuesInSlices(a, kvHead, context, scores, stride, contexts);
            }
            var output = (ushort*)a.Output + offset;
            for (var i = 0; i < g * d; i += Slice)
            {
                Bf16.StoreFromSingle16(Vector512.Load(contexts + i), output + i);
            }
        }
    }

    /// <summary>
    /// The G heads' contexts Σ_s p_h[s]·V[s] (rows D apart) from their probabilities (rows <paramref name="stride"/> apart,
    /// padded with zero rows up to whole passes), two or one slices at a time for up to eight heads.
    /// </summary>
    private static void WeightedValuesInSlices(in Args a, int kvHead, RowContext context, float* scores, int stride, float* contexts)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads, slices = d / Slice;
        var passes = (g + HeadsPerPass - 1) / HeadsPerPass;
        // The heads that fill up the last pass have zero weights: they add nothing and are not written.
        new Span<float>(scores + g * stride, (passes * HeadsPerPass - g) * stride).Clear();
        for (var pass = 0; pass < passes; pass++)
        {
            float* weights = scores + pass * HeadsPerPass * stride, into = contexts + pass * HeadsPerPass * d;
            var heads = Math.Min(HeadsPerPass, g - pass * HeadsPerPass);
            var j = 0;
            for (; j + 2 <= slices; j += 2)
            {
                WeightedValuesTwoSlices(a, kvHead, context, weights, stride, j, into + j * Slice, d, heads);
            }
            if (j < slices)
            {
                WeightedValues(a, kvHead, context, weights, stride, j, into + j * Slice, d, heads);
            }
        }
    }

    /// <summary>
    /// <see cref="WeightedValuesInSlices"/>' sums, the same bits, through <see cref="Bf16PairedValues"/>: the probabilities
    /// packed into pairs once (<paramref name="pairs"/>, rows <paramref name="pairStride"/> apart), then 32 elements of V
    /// for up to eight heads a call.
    /// </summary>
    private static void PairedWeightedValues(in Args a, int kvHead, RowContext context, float* scores, int stride, uint* pairs,
        int pairStride, float* contexts)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        Bf16PairedValues.Pack(scores, g, stride, context.First, context.Length, pairs, pairStride);
        var values = (ushort*)a.Values + (long)kvHead * d;
        for (var h = 0; h < g; h += Bf16PairedValues.MaxHeads)
        {
            var heads = Math.Min(Bf16PairedValues.MaxHeads, g - h);
            for (var e = 0; e < d; e += Bf16PairedValues.Elements)
            {
                Bf16PairedValues.Run(values + e, context.Slots + context.First, context.Length - context.First, (long)a.KvHeads * d,
                    pairs + h * pairStride, pairStride, heads, contexts + h * d + e, d);
            }
        }
    }

    /// <summary>
    /// The G heads' raw scores (rows <paramref name="stride"/> apart, -inf where masked), each <see cref="DotInSlices"/>:
    /// blocks of 16 visible keys through <see cref="Score16"/>, the keys of a block that straddles the context's ends one
    /// at a time (<see cref="ScoreKeys"/>).
    /// </summary>
    private static void ScoreInBlocks(in Args a, int kvHead, RowContext context, float* queries, float* keys, float* scores, int stride)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads, slices = d / Slice;
        PrefetchRows(a, kvHead, context, 0, KeyBlock);
        for (var s0 = 0; s0 < stride; s0 += KeyBlock)
        {
            PrefetchRows(a, kvHead, context, s0 + KeyBlock, s0 + 2 * KeyBlock);
            if (s0 >= context.First && s0 + KeyBlock <= context.Length)
            {
                for (var j = 0; j < KeyBlock; j++)
                {
                    Widen((ushort*)a.Keys + a.CacheRow(context.Slots[s0 + j], kvHead), keys + j * d, d);
                }
                ScoreBlock(queries, keys, g, d, slices, scores + s0, stride);
                continue;
            }
            ScoreKeys<SliceDot>(a, kvHead, context, queries, keys, scores, stride, s0, s0 + KeyBlock);
        }
    }

    /// <summary>
    /// Asks for the K rows (into the first-level cache) and V rows (the second) of the visible keys in
    /// [<paramref name="from"/>, <paramref name="to"/>), a block ahead of their use: a sequence's slots lie in cache
    /// blocks scattered over memory, so the hardware prefetcher, which follows a stride, loses the stream at every block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(in Args a, int kvHead, RowContext context, int from, int to)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        var bytes = a.HeadDim * sizeof(ushort);
        for (int s = Math.Max(from, context.First), end = Math.Min(to, context.Length); s < end; s++)
        {
            var row = a.CacheRow(context.Slots[s], kvHead);
            byte* k = (byte*)((ushort*)a.Keys + row), v = (byte*)((ushort*)a.Values + row);
            for (var line = 0; line < bytes; line += 64)
            {
                Sse.Prefetch0(k + line);
                Sse.Prefetch1(v + line);
            }
        }
    }

    /// <summary>The slices path's one-key dot product (D a whole number of slices).</summary>
    private readonly struct SliceDot : IDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Of(float* q, float* k, int d) => DotInSlices(q, k, d / Slice);
    }

    /// <summary>q·k over whole slices: <see cref="SliceSum"/>, then <see cref="VectorMath.Reduce(Vector512{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotInSlices(float* q, float* k, int slices) => Reduce(SliceSum(q, k, slices));

    /// <summary>
    /// The G heads' scores of one block of 16 widened keys, into rows <paramref name="stride"/> apart: the head size's
    /// <see cref="ISliceSum"/> picked once for the block, so each of its 16·G dot products is straight-line code.
    /// </summary>
    private static void ScoreBlock(float* queries, float* keys, int g, int d, int slices, float* scores, int stride)
    {
        switch (slices)
        {
            case 4:
                ScoreHeads<FourSlices>(queries, keys, g, d, slices, scores, stride);
                break;
            case 8:
                ScoreHeads<EightSlices>(queries, keys, g, d, slices, scores, stride);
                break;
            default:
                ScoreHeads<AnySlices>(queries, keys, g, d, slices, scores, stride);
                break;
        }
    }

    /// <summary>Each of the G heads' <see cref="Score16{TSum}"/> of the block, into its score row.</summary>
    private static void ScoreHeads<TSum>(float* queries, float* keys, int g, int d, int slices, float* scores, int stride)
        where TSum : struct, ISliceSum
    {
        for (var h = 0; h < g; h++)
        {
            Score16<TSum>(queries + h * d, keys, d, slices).Store(scores + h * stride);
        }
    }

    /// <summary><see cref="Score16{TSum}"/> for any number of slices (the one-key dot product's bits, lane by lane).</summary>
    internal static Vector512<float> Score16(float* q, float* keys, int d, int slices) => slices switch
    {
        4 => Score16<FourSlices>(q, keys, d, slices),
        8 => Score16<EightSlices>(q, keys, d, slices),
        _ => Score16<AnySlices>(q, keys, d, slices),
    };

    /// <summary>
    /// <see cref="DotInSlices"/> of q with 16 keys (rows <paramref name="d"/> apart), lane j holding key j's, bit for
    /// bit: the 16 lane sums are reduced together by shuffles that pair the same lanes as <see cref="VectorMath.Reduce(Vector512{float})"/>
    /// does for one (lanes i and i + 8, then i and i + 4, then (0 + 2) + (1 + 3)), a few instructions per key
    /// instead of a reduction and a scalar store each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Score16<TSum>(float* q, float* keys, int d, int slices) where TSum : struct, ISliceSum
    {
        var h01 = Halves(TSum.Of(q, keys, slices), TSum.Of(q, keys + d, slices));
        var h23 = Halves(TSum.Of(q, keys + 2 * d, slices), TSum.Of(q, keys + 3 * d, slices));
        var h45 = Halves(TSum.Of(q, keys + 4 * d, slices), TSum.Of(q, keys + 5 * d, slices));
        var h67 = Halves(TSum.Of(q, keys + 6 * d, slices), TSum.Of(q, keys + 7 * d, slices));
        var h89 = Halves(TSum.Of(q, keys + 8 * d, slices), TSum.Of(q, keys + 9 * d, slices));
        var h1011 = Halves(TSum.Of(q, keys + 10 * d, slices), TSum.Of(q, keys + 11 * d, slices));
        var h1213 = Halves(TSum.Of(q, keys + 12 * d, slices), TSum.Of(q, keys + 13 * d, slices));
        var h1415 = Halves(TSum.Of(q, keys + 14 * d, slices), TSum.Of(q, keys + 15 * d, slices));
        // Lane i of pairsK: key 4K + i's (0 + 2) and (1 + 3) in its first two elements.
        var pairs0 = Pairs(Quarters(h01, h23));
        var pairs1 = Pairs(Quarters(h45, h67));
        var pairs2 = Pairs(Quarters(h89, h1011));
        var pairs3 = Pairs(Quarters(h1213, h1415));
        // Those of keys i and 4 + i, then of 8 + i and 12 + i, side by side in lane i.
        var low = Avx512F.Shuffle(pairs0, pairs1, 0x44);
        var high = Avx512F.Shuffle(pairs2, pairs3, 0x44);
        var sums = Avx512F.Shuffle(low, high, 0x88) + Avx512F.Shuffle(low, high, 0xDD);   // element 4i + t: key 4t + i
        return Avx512F.PermuteVar16x32(sums, Transpose4x4);
    }

    /// <summary>Where <see cref="Score16"/>'s key j sits before its last permutation: element 4 (j % 4) + j / 4.</summary>
    private static readonly Vector512<int> Transpose4x4 = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);

    /// <summary>Lanes i + (i + 8) of two keys' sums: a's eight in the low half, b's in the high.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    /// <summary>Lanes i + (i + 4) of four keys' halves (two per argument): each key's four in one 128-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x88) + Avx512F.Shuffle4x128(a, b, 0xDD);

    /// <summary>In each 128-bit lane (x0, x1, x2, x3): x0 + x2 and x1 + x3 in its first two elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> quarters) => quarters + Avx512F.Shuffle(quarters, quarters, 0x4E);

    /// <summary>q·k's lanes over whole slices: even and odd slices in two accumulators, added lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SliceSum(float* q, float* k, int slices)
    {
        var even = Vector512.Load(q) * Vector512.Load(k);
        var odd = Vector512<float>.Zero;
        var j = 1;
        for (; j + 1 < slices; j += 2)
        {
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + j * Slice), Vector512.Load(k + j * Slice), odd);
            even = Vector512.FusedMultiplyAdd(Vector512.Load(q + (j + 1) * Slice), Vector512.Load(k + (j + 1) * Slice), even);
        }
        if (j < slices)
        {
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + j * Slice), Vector512.Load(k + j * Slice), odd);
        }
        return even + odd;
    }

    /// <summary>
    /// <see cref="SliceSum"/> as one flavour of <see cref="Score16{TSum}"/> computes it. A struct type argument gives each
    /// head size its own copy of the 16-key scoring: the general loop's counter and branches were most of the
    /// instructions of a 64-wide head's dot product, so the common sizes get the same operations written out.
    /// </summary>
    private interface ISliceSum
    {
        static abstract Vector512<float> Of(float* q, float* k, int slices);
    }

    private readonly struct AnySlices : ISliceSum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Of(float* q, float* k, int slices) => SliceSum(q, k, slices);
    }

    /// <summary><see cref="SliceSum"/> of 4 slices (64-wide heads), the same operations in the same order.</summary>
    private readonly struct FourSlices : ISliceSum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Of(float* q, float* k, int slices)
        {
            var even = Vector512.Load(q) * Vector512.Load(k);
            var odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + Slice), Vector512.Load(k + Slice), Vector512<float>.Zero);
            even = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2 * Slice), Vector512.Load(k + 2 * Slice), even);
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + 3 * Slice), Vector512.Load(k + 3 * Slice), odd);
            return even + odd;
        }
    }

    /// <summary><see cref="SliceSum"/> of 8 slices (128-wide heads), the same operations in the same order.</summary>
    private readonly struct EightSlices : ISliceSum
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Of(float* q, float* k, int slices)
        {
            var even = Vector512.Load(q) * Vector512.Load(k);
            var odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + Slice), Vector512.Load(k + Slice), Vector512<float>.Zero);
            even = Vector512.FusedMultiplyAdd(Vector512.Load(q + 2 * Slice), Vector512.Load(k + 2 * Slice), even);
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + 3 * Slice), Vector512.Load(k + 3 * Slice), odd);
            even = Vector512.FusedMultiplyAdd(Vector512.Load(q + 4 * Slice), Vector512.Load(k + 4 * Slice), even);
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + 5 * Slice), Vector512.Load(k + 5 * Slice), odd);
            even = Vector512.FusedMultiplyAdd(Vector512.Load(q + 6 * Slice), Vector512.Load(k + 6 * Slice), even);
            odd = Vector512.FusedMultiplyAdd(Vector512.Load(q + 7 * Slice), Vector512.Load(k + 7 * Slice), odd);
            return even + odd;
        }
    }

    /// <summary>
    /// <see cref="WeightedValues"/> of slices <paramref name="slice"/> and the next at once: each key's slot, V row and
    /// eight weights are read once for both, 16 accumulators in registers. Each sum still runs over the context in
    /// order, so the bits are the one-slice loop's.
    /// </summary>
    private static void WeightedValuesTwoSlices(in Args a, int kvHead, RowContext context, float* weights, int stride, int slice,
        float* contexts, int d, int heads)
    {
        float* p0 = weights, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
        float* p4 = p3 + stride, p5 = p4 + stride, p6 = p5 + stride, p7 = p6 + stride;
        var values = (ushort*)a.Values + (long)kvHead * d + slice * Slice;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> n0 = default, n1 = default, n2 = default, n3 = default, n4 = default, n5 = default, n6 = default, n7 = default;
        for (var s = context.First; s < context.Length; s++)
        {
            var row = values + context.Slots[s] * a.KvHeads * d;
            Vector512<float> v = Bf16.Load16(row), next = Bf16.Load16(row + Slice);
            var w = Vector512.Create(p0[s]);
            c0 = Vector512.FusedMultiplyAdd(w, v, c0);
            n0 = Vector512.FusedMultiplyAdd(w, next, n0);
            w = Vector512.Create(p1[s]);
            c1 = Vector512.FusedMultiplyAdd(w, v, c1);
            n1 = Vector512.FusedMultiplyAdd(w, next, n1);
            w = Vector512.Create(p2[s]);
            c2 = Vector512.FusedMultiplyAdd(w, v, c2);
            n2 = Vector512.FusedMultiplyAdd(w, next, n2);
            w = Vector512.Create(p3[s]);
            c3 = Vector512.FusedMultiplyAdd(w, v, c3);
            n3 = Vector512.FusedMultiplyAdd(w, next, n3);
            w = Vector512.Create(p4[s]);
            c4 = Vector512.FusedMultiplyAdd(w, v, c4);
            n4 = Vector512.FusedMultiplyAdd(w, next, n4);
            w = Vector512.Create(p5[s]);
            c5 = Vector512.FusedMultiplyAdd(w, v, c5);
            n5 = Vector512.FusedMultiplyAdd(w, next, n5);
            w = Vector512.Create(p6[s]);
            c6 = Vector512.FusedMultiplyAdd(w, v, c6);
            n6 = Vector512.FusedMultiplyAdd(w, next, n6);
            w = Vector512.Create(p7[s]);
            c7 = Vector512.FusedMultiplyAdd(w, v, c7);
            n7 = Vector512.FusedMultiplyAdd(w, next, n7);
        }
        StoreTwo(c0, n0, contexts, 0, d, heads);
        StoreTwo(c1, n1, contexts, 1, d, heads);
        StoreTwo(c2, n2, contexts, 2, d, heads);
        StoreTwo(c3, n3, contexts, 3, d, heads);
        StoreTwo(c4, n4, contexts, 4, d, heads);
        StoreTwo(c5, n5, contexts, 5, d, heads);
        StoreTwo(c6, n6, contexts, 6, d, heads);
        StoreTwo(c7, n7, contexts, 7, d, heads);
    }

    /// <summary>Head <paramref name="h"/>'s two slices, if it is one of the pass's <paramref name="heads"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTwo(Vector512<float> first, Vector512<float> second, float* contexts, int h, int d, int heads)
    {
        if (h < heads)
        {
            first.Store(contexts + h * d);
            second.Store(contexts + h * d + Slice);
        }
    }

    /// <summary>
    /// Slice <paramref name="slice"/> of Σ_s p_h[s]·V[s] for one pass of up to eight heads (weights rows
    /// <paramref name="weights"/>, <paramref name="stride"/> apart), written to <paramref name="contexts"/> (rows D apart).
    /// Each sum runs over the context in order, as the general path's does.
    /// </summary>
    private static void WeightedValues(in Args a, int kvHead, RowContext context, float* weights, int stride, int slice,
        float* contexts, int d, int heads)
    {
        float* p0 = weights, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
        float* p4 = p3 + stride, p5 = p4 + stride, p6 = p5 + stride, p7 = p6 + stride;
        var values = (ushort*)a.Values + (long)kvHead * d + slice * Slice;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (var s = context.First; s < context.Length; s++)
        {
            var v = Bf16.Load16(values + context.Slots[s] * a.KvHeads * d);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[s]), v, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(p1[s]), v, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(p2[s]), v, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(p3[s]), v, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[s]), v, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(p5[s]), v, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(p6[s]), v, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(p7[s]), v, c7);
        }
        Span<Vector512<float>> sums = [c0, c1, c2, c3, c4, c5, c6, c7];
        for (var h = 0; h < heads; h++)
        {
            sums[h].Store(contexts + h * d);
        }
    }
}
