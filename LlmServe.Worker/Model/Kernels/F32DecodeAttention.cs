using System.Runtime.Intrinsics;
using static LlmServe.Worker.Model.Kernels.VectorMath;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// The float32 twin of <see cref="Bf16DecodeAttention"/> (same <see cref="Bf16DecodeAttention.Args"/>): each query
/// row over its own cached context, with every sum in an order fixed by that context alone. torch's padded batched path
/// sums over the batch's longest context, and its matrix products round a row differently with the number of rows, so
/// a row's bits would depend on its batch; here they do not, which batch-invariant steps rely on when they attend
/// every new token, prompt ones included, as a row of its own.
/// </summary>
internal static unsafe class F32DecodeAttention
{
    private const int Lanes = 8;

    public static void Run(in Bf16DecodeAttention.Args a)
    {
        var args = a;
        RowLoop.For(a.Sequences * a.KvHeads, a.IsSmall, i => Group(args, i / args.KvHeads, i % args.KvHeads));
    }

    /// <summary>The G query heads of <paramref name="kvHead"/> for one row.</summary>
    private static void Group(in Bf16DecodeAttention.Args a, int sequence, int kvHead)
    {
        int d = a.HeadDim, g = a.Heads / a.KvHeads;
        var context = a.Row(sequence);
        var stride = context.Stride(Lanes);                                 // a score row padded to whole vectors
        var scratch = Scratch(g * stride);
        var row = ((long*)a.TokenRows)[sequence];
        var offset = (row * a.Heads + (long)kvHead * g) * d;               // the group's heads are adjacent: (G, D)
        var queries = (float*)a.Q + offset;
        var output = (float*)a.Output + offset;
        fixed (float* scores = scratch)                                     // (G, stride)
        {
            for (var s = 0; s < stride; s++)
            {
                var visible = context.Visible(s);
                var key = visible ? (float*)a.Keys + a.CacheRow(context.Slots[s], kvHead) : null;
                for (var h = 0; h < g; h++)
                {
                    scores[h * stride + s] = visible ? Dot(queries + h * d, key, d) * a.Scale : float.NegativeInfinity;
                }
            }
            for (var h = 0; h < g; h++)
            {
                Softmax(scores + h * stride, stride);
                new Span<float>(output + h * d, d).Clear();
            }
            for (var s = context.First; s < context.Length; s++)
            {
                var value = (float*)a.Values + a.CacheRow(context.Slots[s], kvHead);
                for (var h = 0; h < g; h++)
                {
                    Axpy(scores[h * stride + s], value, output + h * d, d);
                }
            }
        }
    }

    /// <summary>
    /// In place over whole vectors: scores (-inf where masked) become probabilities. Masked lanes add exact zeros, and
    /// which lane a key lands in depends on its position alone, so the result depends only on the row's own context.
    /// </summary>
    private static void Softmax(float* x, int stride)
    {
        var m = Vector256.Create(float.NegativeInfinity);
        for (var s = 0; s < stride; s += Lanes)
        {
            m = Vector256.Max(m, Vector256.Load(x + s));
        }
        var top = Vector256.Create(HorizontalMax(m));
        var acc = Vector256<float>.Zero;
        for (var s = 0; s < stride; s += Lanes)
        {
            var e = Exponential.Of(Vector256.Load(x + s) - top);
            e.Store(x + s);
            acc += e;
        }
        var inverse = Vector256.Create(1 / Vector256.Sum(acc));
        for (var s = 0; s < stride; s += Lanes)
        {
            (Vector256.Load(x + s) * inverse).Store(x + s);
        }
    }
}
