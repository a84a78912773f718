using LlmServe.Worker.Model.Llama.TensorParallel;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// One pre-norm transformer block: x + attn(norm(x)), then h + ffn(norm(h)); with sandwich norms (Gemma 2/3) each
/// branch's output is normed again before it joins the residual. Attention and FFN are held as tensor-parallel shards
/// (one shard when the model is not sharded) whose partial outputs the group sums.
/// </summary>
internal sealed class DecoderLayer(RmsNorm attentionNorm, Attention[] attention, RmsNorm ffnNorm, IFeedForward[] ffn, ShardGroup shards,
    RmsNorm? postAttentionNorm = null, RmsNorm? postFfnNorm = null, double? residualScale = null)
    : IDisposable
{
    // alpha of the residual adds: 1, or Granite's residual_multiplier (held: see HeldScalars).
    private readonly Scalar _residual = residualScale is double r ? r.ToScalar() : HeldScalars.One;

    /// <summary>Whether the branches are normed on the way out too (only the general path runs such layers).</summary>
    public bool HasSandwichNorms => postAttentionNorm is not null || postFfnNorm is not null;

    public RmsNorm AttentionNorm => attentionNorm;

    public RmsNorm FfnNorm => ffnNorm;

    /// <summary>The attention of each tensor-parallel shard.</summary>
    public IReadOnlyList<Attention> AttentionShards => attention;

    /// <summary>The feed-forward of each tensor-parallel shard.</summary>
    public IReadOnlyList<IFeedForward> FeedForwardShards => ffn;

    /// <param name="x">(N, d) hidden states on the primary device.</param>
    /// <param name="batches">The step's index tensors on each shard's device.</param>
    /// <param name="ropes">RoPE tables on each shard's device.</param>
    public Tensor Forward(Tensor x, AttentionBatch[] batches, RotaryEmbedding[] ropes, KvCache cache, int layer)
    {
        var attended = shards.AllReduce(attentionNorm.Forward(x), (s, xs) =>
            attention[s].Forward(xs, batches[s], ropes[s], cache.Keys(layer, s), cache.Values(layer, s))); // (N, d)
        var h = x.add(postAttentionNorm?.Forward(attended) ?? attended, _residual);                          // (N, d)
        var fed = shards.AllReduce(ffnNorm.Forward(h), (s, hs) => ffn[s].Forward(hs, batches[s].Linears));                      // (N, d)
        return h.add(postFfnNorm?.Forward(fed) ?? fed, _residual);                                           // (N, d)
    }

    public void Dispose()
    {
        attentionNorm.Dispose();
        foreach (var a in attention)
        {
            a.Dispose();
        }
        ffnNorm.Dispose();
        postAttentionNorm?.Dispose();
        postFfnNorm?.Dispose();
        if (!ReferenceEquals(_residual, HeldScalars.One))
        {
            _residual.Dispose();
        }
        foreach (var f in ffn)
        {
            f.Dispose();
        }
    }
}
