using System.Runtime.Intrinsics;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Attention of a few single-token sequences over their cached K/V in one call, instead of the ~17 torch ops of the
/// padded batched path. Rounds where that path rounds (bf16 scores, bf16 scaled scores, float32 softmax rounded to
/// bf16 probabilities, bf16 context), so only float32 summation order differs.
/// </summary>
internal static unsafe class Bf16DecodeAttention
{
    /// <summary>The query/output layout and the cache addresses of one step's decodes.</summary>
    /// <param name="Q">(N, H, D) bf16 queries of the step's tokens.</param>
    /// <param name="Keys">(slots, Hkv, D) bf16 cache; <paramref name="Values"/> likewise.</param>
    /// <param name="TokenRows">(B) row of each decode in Q and Output.</param>
    /// <param name="ContextSlots">(B, Smax) cache slots of each decode's context, padded.</param>
    /// <param name="Padding">(B, Smax) true where padded.</param>
    /// <param name="Output">(N, H, D) bf16; rows TokenRows are written.</param>
    public readonly record struct Args(nint Q, nint Keys, nint Values, nint TokenRows, nint ContextSlots, nint Padding,
        nint Output, int Sequences, int MaxContext, int Heads, int KvHeads, int HeadDim, float Scale);

    public static void Run(in Args a)
    {
        var work = a.Sequences * a.Heads;
        var args = a;
        // Short contexts are cheaper on one thread than a parallel dispatch.
        if ((long)work * a.MaxContext * a.HeadDim < 1 << 20)
        {
            for (var i = 0; i < work; i++)
            {
                Head(args, i / a.Heads, i % a.Heads);
            }
            return;
        }
        Parallel.For(0, work, i => Head(args, i / args.Heads, i % args.Heads));
    }

    private static void Head(in Args a, int sequence, int head)
    {
        int d = a.HeadDim, smax = a.MaxContext, kvHead = head / (a.Heads / a.KvHeads);
        var row = ((long*)a.TokenRows)[sequence];
        var q = (ushort*)a.Q + (row * a.Heads + head) * d;
        var slots = (long*)a.ContextSlots + (long)sequence * smax;
        var padding = (bool*)a.Padding + (long)sequence * smax;
        // Contexts past 4,096 tokens would strain the stack; they are rare enough to allocate.
        var scores = smax <= 4096 ? stackalloc float[smax] : new float[smax];
        var query = stackalloc float[d];
        for (var i = 0; i < d; i++)
        {
            query[i] = Bf16.ToSingle(q[i]);
        }
        var max = float.NegativeInfinity;
        for (var s = 0; s < smax; s++)
        {
            if (padding[s])
            {
                scores[s] = float.NegativeInfinity;
                continue;
            }
            var key = (ushort*)a.Keys + (slots[s] * a.KvHeads + kvHead) * d;
            scores[s] = Bf16.Round(Bf16.Round(Dot(query, key, d)) * a.Scale);
            max = MathF.Max(max, scores[s]);
        }
        var sum = 0f;
        for (var s = 0; s < smax; s++)
        {
            scores[s] = MathF.Exp(scores[s] - max);
            sum += scores[s];
        }
        var context = stackalloc float[d];
        new Span<float>(context, d).Clear();
        for (var s = 0; s < smax; s++)
        {
            var p = Bf16.Round(scores[s] / sum);
            if (p == 0)
            {
                continue;
            }
            var value = (ushort*)a.Values + (slots[s] * a.KvHeads + kvHead) * d;
            var weight = Vector256.Create(p);
            var i = 0;
            for (; i + 8 <= d; i += 8)
            {
                Vector256.FusedMultiplyAdd(weight, Bf16.Load8(value + i), Vector256.Load(context + i)).Store(context + i);
            }
            for (; i < d; i++)
            {
                context[i] = MathF.FusedMultiplyAdd(p, Bf16.ToSingle(value[i]), context[i]);
            }
        }
        var output = (ushort*)a.Output + (row * a.Heads + head) * d;
        for (var i = 0; i < d; i++)
        {
            output[i] = Bf16.FromSingle(context[i]);
        }
    }

    private static float Dot(float* x, ushort* w, int d)
    {
        var acc = Vector256<float>.Zero;
        var i = 0;
        for (; i + 8 <= d; i += 8)
        {
            acc = Vector256.FusedMultiplyAdd(Bf16.Load8(w + i), Vector256.Load(x + i), acc);
        }
        var sum = Vector256.Sum(acc);
        for (; i < d; i++)
        {
            sum += x[i] * Bf16.ToSingle(w[i]);
        }
        return sum;
    }
}
