using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static LlmServe.Worker.Model.Kernels.VectorMath;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The decode attention of one (sequence, kv head) for head sizes made of whole 512-bit slices (64, 128, ...): the
/// general <see cref="Group"/>'s arithmetic in an order that keeps the CPU busy. Scores keep two accumulators per dot
/// product instead of one long chain; the weighted sum of V runs one 16-wide slice of the head at a time for four query
/// heads at once, its accumulators in registers, instead of reading and writing every head's context for every key.
/// </summary>
/// <remarks>
/// Like the general path, each float32 sum depends only on the head size and the sequence's own context, so a sequence
/// gets the same bits alone and in any batch.
/// </remarks>
internal static unsafe partial class Bf16DecodeAttention
{
    /// <summary>Floats in one 512-bit slice of a head.</summary>
    private const int Slice = 16;

    /// <summary>Query heads whose weighted sums of V run together (their accumulators stay in registers).</summary>
    private const int HeadsPerPass = 4;

    private static void GroupInSlices(in Args a, int sequence, int kvHead)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads, slices = d / Slice;
        var passes = (g + HeadsPerPass - 1) / HeadsPerPass;
        var context = a.Row(sequence);
        var stride = context.Stride(Slice);                                 // a score row padded to whole vectors
        var scratch = Scratch(g * d + d + passes * HeadsPerPass * stride + g * d);
        var row = ((long*)a.TokenRows)[sequence];
        var offset = (row * a.Heads + (long)kvHead * g) * d;               // the group's heads are adjacent: (G, D)
        fixed (float* buffer = scratch)
        {
            // (G, D) queries, (D) one widened key, (G rounded up to a whole pass, stride) scores, (G, D) contexts
            float* queries = buffer, key = queries + g * d, scores = key + d, contexts = scores + passes * HeadsPerPass * stride;
            WidenQueries(a, offset, g * d, queries);
            Probabilities<SliceDot>(a, kvHead, context, queries, key, scores, stride);
            // The heads that fill up the last pass have zero weights: they add nothing and are not written.
            new Span<float>(scores + g * stride, (passes * HeadsPerPass - g) * stride).Clear();
            for (var pass = 0; pass < passes; pass++)
            {
                for (var j = 0; j < slices; j++)
                {
                    WeightedValues(a, kvHead, context, scores + pass * HeadsPerPass * stride, stride, j,
                        contexts + pass * HeadsPerPass * d + j * Slice, d, Math.Min(HeadsPerPass, g - pass * HeadsPerPass));
                }
            }
            var output = (ushort*)a.Output + offset;
            for (var i = 0; i < g * d; i++)
            {
                output[i] = Bf16.FromSingle(contexts[i]);
            }
        }
    }

    /// <summary>The slices path's dot product (D a whole number of slices).</summary>
    private readonly struct SliceDot : IDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Of(float* q, float* k, int d) => DotInSlices(q, k, d / Slice);
    }

    /// <summary>q·k over whole slices: even and odd slices in two accumulators, then one reduction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotInSlices(float* q, float* k, int slices)
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
        return Reduce(even + odd);
    }

    /// <summary>
    /// Slice <paramref name="slice"/> of Σ_s p_h[s]·V[s] for one pass of up to four heads (weights rows
    /// <paramref name="weights"/>, <paramref name="stride"/> apart), written to <paramref name="contexts"/> (rows D apart).
    /// Each sum runs over the context in order, as the general path's does.
    /// </summary>
    private static void WeightedValues(in Args a, int kvHead, RowContext context, float* weights, int stride, int slice,
        float* contexts, int d, int heads)
    {
        float* p0 = weights, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
        var values = (ushort*)a.Values + (long)kvHead * d + slice * Slice;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (var s = context.First; s < context.Length; s++)
        {
            var v = Bf16.Load16(values + context.Slots[s] * a.KvHeads * d);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[s]), v, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(p1[s]), v, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(p2[s]), v, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(p3[s]), v, c3);
        }
        c0.Store(contexts);
        if (heads > 1)
        {
            c1.Store(contexts + d);
        }
        if (heads > 2)
        {
            c2.Store(contexts + 2 * d);
        }
        if (heads > 3)
        {
            c3.Store(contexts + 3 * d);
        }
    }
}
