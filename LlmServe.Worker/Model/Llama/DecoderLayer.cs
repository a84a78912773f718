using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>One pre-norm transformer block: x + attn(norm(x)), then h + ffn(norm(h)).</summary>
internal sealed class DecoderLayer(RmsNorm attentionNorm, Attention attention, RmsNorm ffnNorm, FeedForward ffn) : IDisposable
{
    public Tensor Forward(Tensor x, AttentionBatch batch, RotaryEmbedding rope, Tensor cacheK, Tensor cacheV)
    {
        var h = x + attention.Forward(attentionNorm.Forward(x), batch, rope, cacheK, cacheV); // (N, d)
        return h + ffn.Forward(ffnNorm.Forward(h));                                           // (N, d)
    }

    public void Dispose()
    {
        attentionNorm.Dispose();
        attention.Dispose();
        ffnNorm.Dispose();
        ffn.Dispose();
    }
}
