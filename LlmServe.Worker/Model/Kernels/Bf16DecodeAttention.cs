using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static LlmServe.Worker.Model.Kernels.VectorMath;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Attention of a step's single-token sequences over their cached K/V in one call, instead of the ~17 torch ops of the
/// padded batched path (which gathers every context into a padded copy first). Rounds where that path rounds (bf16
/// scores, bf16 scaled scores, float32 softmax rounded to bf16 probabilities, bf16 context), so only float32
/// summation order and exp's last bit differ.
/// </summary>
/// <remarks>
/// One work item is one sequence and one kv head: the G query heads that read that kv head are scored together, so
/// each cached K and V row is widened to float32 once for all of them (grouped-query attention), and exp runs on
/// whole vectors. Every float32 operation on a sequence depends only on its own context, never on the padded width
/// of the batch or on which thread runs it, so a sequence gets the same bits alone and in any batch. Head sizes made of
/// whole 512-bit slices take <see cref="GroupInSlices"/>, the same arithmetic ordered for the CPU (~1.6x faster).
/// </remarks>
internal static unsafe partial class Bf16DecodeAttention
{
    /// <summary>The query/output layout and the cache addresses of one step's decodes.</summary>
    /// <param name="Q">(N, H, D) bf16 queries of the step's tokens.</param>
    /// <param name="Keys">(slots, Hkv, D) bf16 cache; <paramref name="Values"/> likewise.</param>
    /// <param name="TokenRows">(B) int64 row of each decode in Q and Output.</param>
    /// <param name="Slots">int64 cache slots of the decodes' contexts, one after another (rows may share one).</param>
    /// <param name="Offsets">(B) int64 where each decode's context starts in Slots.</param>
    /// <param name="Lengths">(B) int64 each decode's context length: it attends to slots [0, length) of its context.</param>
    /// <param name="Output">(N, H, D) bf16; rows TokenRows are written.</param>
    /// <param name="MaxContext">The longest of the lengths.</param>
    /// <param name="Window">A sliding window of the last Window positions; 0 for none.</param>
    public readonly record struct Args(nint Q, nint Keys, nint Values, nint TokenRows, nint Slots, nint Offsets, nint Lengths,
        nint Output, int Sequences, int MaxContext, int Heads, int KvHeads, int HeadDim, float Scale, int Window = 0)
    {
        /// <summary>Short contexts are cheaper on one thread than a parallel dispatch.</summary>
        public bool IsSmall => (long)Sequences * Heads * MaxContext * HeadDim < 1 << 20;

        /// <summary>Where a cache slot's row of <paramref name="kvHead"/> starts in Keys and Values, in elements.</summary>
        public long CacheRow(long slot, int kvHead) => (slot * KvHeads + kvHead) * HeadDim;

        /// <summary>Decode <paramref name="sequence"/>'s context.</summary>
        public RowContext Row(int sequence)
        {
            var length = (int)((long*)Lengths)[sequence];
            var first = Window > 0 ? Math.Max(0, length - Window) : 0;
            return new RowContext((long*)Slots + ((long*)Offsets)[sequence], first, length);
        }
    }

    /// <summary>A decode's context: key s (slot <c>Slots[s]</c>) is attended when First &lt;= s &lt; Length.</summary>
    public readonly struct RowContext(long* slots, int first, int length)
    {
        public long* Slots { get; } = slots;

        public int First { get; } = first;

        public int Length { get; } = length;

        public bool Visible(int s) => s >= First && s < Length;

        /// <summary>Score-row width: the context padded to whole vectors of <paramref name="lanes"/>.</summary>
        public int Stride(int lanes) => (Length + lanes - 1) / lanes * lanes;
    }

    private static readonly int Lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;

    public static void Run(in Args a)
    {
        var args = a;
        RowLoop.For(a.Sequences * a.KvHeads, a.IsSmall, i => Group(args, i / args.KvHeads, i % args.KvHeads));
    }

    /// <summary>The G query heads of <paramref name="kvHead"/> for one sequence.</summary>
    public static void Group(in Args a, int sequence, int kvHead)
    {
        if (Vector512.IsHardwareAccelerated && a.HeadDim % Slice == 0)
        {
            GroupInSlices(a, sequence, kvHead);
            return;
        }
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        var context = a.Row(sequence);
        var stride = context.Stride(Lanes);                                 // a score row padded to whole vectors
        var scratch = Scratch(2 * g * d + d + g * stride);
        var row = ((long*)a.TokenRows)[sequence];
        var offset = (row * a.Heads + (long)kvHead * g) * d;               // the group's heads are adjacent: (G, D)
        fixed (float* buffer = scratch)
        {
            float* queries = buffer, contexts = buffer + g * d, kv = contexts + g * d, scores = kv + d; // (G, D) (G, D) (D) (G, stride)
            WidenQueries(a, offset, g * d, queries);
            ScoreKeys<WholeDot>(a, kvHead, context, queries, kv, scores, stride, 0, stride);
            SoftmaxRows(scores, g, stride, a.Scale);
            new Span<float>(contexts, g * d).Clear();
            for (var s = context.First; s < context.Length; s++)
            {
                Widen((ushort*)a.Values + a.CacheRow(context.Slots[s], kvHead), kv, d);
                for (var h = 0; h < g; h++)
                {
                    var p = scores[h * stride + s];
                    if (p != 0)
                    {
                        Axpy(p, kv, contexts + h * d, d);
                    }
                }
            }
            var output = (ushort*)a.Output + offset;
            for (var i = 0; i < g * d; i++)
            {
                output[i] = Bf16.FromSingle(contexts[i]);
            }
        }
    }

    /// <summary>
    /// The G query heads' raw scores of keys [<paramref name="from"/>, <paramref name="to"/>), one key at a time, into
    /// rows <paramref name="stride"/> apart (-inf where masked): each key widened once into <paramref name="key"/> and
    /// scored against every head by <typeparamref name="TDot"/>. A struct type argument makes the dot product a direct,
    /// inlined call in each path's own copy of the loop.
    /// </summary>
    private static void ScoreKeys<TDot>(in Args a, int kvHead, RowContext context, float* queries, float* key,
        float* scores, int stride, int from, int to) where TDot : struct, IDot
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        for (var s = from; s < to; s++)
        {
            if (MaskedOut(s, context, scores, stride, g))
            {
                continue;
            }
            Widen((ushort*)a.Keys + a.CacheRow(context.Slots[s], kvHead), key, d);
            for (var h = 0; h < g; h++)
            {
                scores[h * stride + s] = TDot.Of(queries + h * d, key, d);
            }
        }
    }

    /// <summary>A float32 dot product over a head's D values, as one score-loop flavour sums it.</summary>
    private interface IDot
    {
        static abstract float Of(float* q, float* k, int d);
    }

    /// <summary>The general path's dot product (any D, any vector width).</summary>
    private readonly struct WholeDot : IDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Of(float* q, float* k, int d) => Dot(q, k, d);
    }

    /// <summary>Each of the G score rows (<paramref name="stride"/> apart) becomes its bf16-rounded probabilities (<see cref="Softmax"/>).</summary>
    private static void SoftmaxRows(float* scores, int g, int stride, float scale)
    {
        for (var h = 0; h < g; h++)
        {
            Softmax(scores + h * stride, stride, scale);
        }
    }

    /// <summary>The group's G query heads (G·D bf16 values from <paramref name="offset"/> in Q) as float32.</summary>
    private static void WidenQueries(in Args a, long offset, int count, float* queries)
    {
        var q = (ushort*)a.Q + offset;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<float>.Count <= count; i += Vector512<float>.Count)
            {
                Bf16.Load16(q + i).Store(queries + i);
            }
        }
        for (; i < count; i++)
        {
            queries[i] = Bf16.ToSingle(q[i]);
        }
    }

    /// <summary>Key <paramref name="s"/> outside the context or its window: every head's score is -inf (weight 0), and true.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MaskedOut(int s, RowContext context, float* scores, int stride, int g)
    {
        if (context.Visible(s))
        {
            return false;
        }
        for (var h = 0; h < g; h++)
        {
            scores[h * stride + s] = float.NegativeInfinity;
        }
        return true;
    }

    /// <summary>
    /// In place: raw dot products (stride, a whole number of vectors, -inf where masked) become bf16-rounded
    /// probabilities, rounding to bf16 where torch's bf16 path does (the product, the scaled score). Masked lanes add
    /// exact zeros, so the result does not depend on how far the row was padded.
    /// </summary>
    private static void Softmax(float* scores, int stride, float scale)
    {
        float sum;
        if (Vector512.IsHardwareAccelerated)
        {
            var factor = Vector512.Create(scale);
            var m = Vector512.Create(float.NegativeInfinity);
            for (var s = 0; s < stride; s += 16)
            {
                var scaled = Bf16.Round(Bf16.Round(Vector512.Load(scores + s)) * factor);
                scaled.Store(scores + s);
                m = Vector512.Max(m, scaled);
            }
            var top = Vector512.Create(HorizontalMax(Vector256.Max(m.GetLower(), m.GetUpper())));
            var acc = Vector512<float>.Zero;
            for (var s = 0; s < stride; s += 16)
            {
                var e = Exponential.Of(Vector512.Load(scores + s) - top);
                e.Store(scores + s);
                acc += e;
            }
            sum = Vector512.Sum(acc);
            var inverse = Vector512.Create(1 / sum);
            for (var s = 0; s < stride; s += 16)
            {
                Bf16.Round(Vector512.Load(scores + s) * inverse).Store(scores + s);
            }
        }
        else
        {
            var factor = Vector256.Create(scale);
            var m = Vector256.Create(float.NegativeInfinity);
            for (var s = 0; s < stride; s += 8)
            {
                var scaled = Bf16.Round(Bf16.Round(Vector256.Load(scores + s)) * factor);
                scaled.Store(scores + s);
                m = Vector256.Max(m, scaled);
            }
            var top = Vector256.Create(HorizontalMax(m));
            var acc = Vector256<float>.Zero;
            for (var s = 0; s < stride; s += 8)
            {
                var e = Exponential.Of(Vector256.Load(scores + s) - top);
                e.Store(scores + s);
                acc += e;
            }
            sum = Vector256.Sum(acc);
            var inverse = Vector256.Create(1 / sum);
            for (var s = 0; s < stride; s += 8)
            {
                Bf16.Round(Vector256.Load(scores + s) * inverse).Store(scores + s);
            }
        }
    }

    /// <summary>
    /// bf16 to float32 at the vector width <see cref="Dot"/> and <see cref="Axpy"/> read with, so their loads are
    /// forwarded from these stores instead of stalling on two narrower ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ushort* source, float* into, int d)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= d; i += 16)
            {
                Bf16.Load16(source + i).Store(into + i);
            }
        }
        for (; i + 8 <= d; i += 8)
        {
            Bf16.Load8(source + i).Store(into + i);
        }
        for (; i < d; i++)
        {
            into[i] = Bf16.ToSingle(source[i]);
        }
    }
}
