using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmServe.Worker.Model.Llama;

/// <summary>The weights of one attention block; biases (Qwen2) and q/k norms (Qwen3) are optional.</summary>
internal sealed record AttentionWeights(Tensor Wq, Tensor Wk, Tensor Wv, Tensor Wo,
    Tensor? Bq = null, Tensor? Bk = null, Tensor? Bv = null, RmsNorm? QNorm = null, RmsNorm? KNorm = null);

/// <summary>Causal grouped-query self-attention with RoPE over a per-sequence KV cache.</summary>
internal sealed class Attention(LlamaConfig config, AttentionWeights w) : IDisposable
{
    private readonly int _heads = config.NumHeads;
    private readonly int _kvHeads = config.NumKvHeads;
    private readonly int _headDim = config.HeadDim;

    /// <summary>
    /// x: (T, d) hidden states of tokens at positions startPos..startPos+T-1. Writes their K/V into the cache and
    /// attends over cache rows [0, startPos + T).
    /// </summary>
    public Tensor Forward(Tensor x, int startPos, Tensor positions, RotaryEmbedding rope, Tensor cacheK, Tensor cacheV)
    {
        var t = (int)x.shape[0];
        var q = F.linear(x, w.Wq, w.Bq).view(t, _heads, _headDim);         // (T, H, D)
        var k = F.linear(x, w.Wk, w.Bk).view(t, _kvHeads, _headDim);       // (T, Hkv, D)
        var v = F.linear(x, w.Wv, w.Bv).view(t, _kvHeads, _headDim);       // (T, Hkv, D)
        if (w.QNorm is not null && w.KNorm is not null)
        {
            q = w.QNorm.Forward(q);                                         // (T, H, D), normalised per head
            k = w.KNorm.Forward(k);                                         // (T, Hkv, D)
        }
        q = rope.Apply(q, positions);
        k = rope.Apply(k, positions);

        var end = startPos + t;
        cacheK[TensorIndex.Slice(startPos, end)] = k;
        cacheV[TensorIndex.Slice(startPos, end)] = v;
        var keys = cacheK[TensorIndex.Slice(0, end)];                       // (S, Hkv, D)
        var values = cacheV[TensorIndex.Slice(0, end)];                     // (S, Hkv, D)
        if (_kvHeads != _heads)
        {
            // Query head h reads kv head h / (H / Hkv).
            keys = keys.repeat_interleave(_heads / _kvHeads, dim: 1);       // (S, H, D)
            values = values.repeat_interleave(_heads / _kvHeads, dim: 1);   // (S, H, D)
        }

        var scores = torch.matmul(q.transpose(0, 1), keys.permute(1, 2, 0)); // (H, T, S)
        scores = scores.mul_(1.0 / Math.Sqrt(_headDim));
        if (t > 1)
        {
            // Query i sits at startPos + i and may see keys j <= startPos + i.
            var mask = torch.ones(t, end, dtype: ScalarType.Bool).triu_(startPos + 1); // (T, S)
            scores = scores.masked_fill(mask, double.NegativeInfinity);
        }
        var probs = F.softmax(scores.to_type(ScalarType.Float32), -1).to_type(x.dtype); // (H, T, S)
        var context = torch.matmul(probs, values.transpose(0, 1));          // (H, T, D)
        return F.linear(context.transpose(0, 1).reshape(t, _heads * _headDim), w.Wo); // (T, d)
    }

    public void Dispose()
    {
        foreach (var tensor in new[] { w.Wq, w.Wk, w.Wv, w.Wo, w.Bq, w.Bk, w.Bv })
        {
            tensor?.Dispose();
        }
        w.QNorm?.Dispose();
        w.KNorm?.Dispose();
    }
}
