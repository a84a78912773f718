using LlmServe.Worker.Model.Kernels;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>Addresses of one decoder layer's bf16 weights; zero where the model has no such weight.</summary>
internal readonly record struct FusedLayer(nint AttentionNorm, nint Wq, nint Wk, nint Wv, nint Bq, nint Bk, nint Bv,
    nint QNorm, nint KNorm, nint Wo, nint FfnNorm, nint Gate, nint Up, nint Down);

/// <summary>
/// The weights <see cref="FusedDecode"/> reads, by address, captured once: valid while the model that owns the
/// tensors lives (weights are never resized or moved after loading).
/// </summary>
internal sealed record FusedDecodeWeights(nint Embedding, FusedLayer[] Layers, nint FinalNorm, nint LmHead,
    nint Cos, nint Sin, int MaxPositions, bool Interleaved)
{
    /// <summary>
    /// The addresses when every weight is a contiguous bf16 CPU tensor of the shape the config gives and the model
    /// is not sharded; null otherwise (the model then runs every step through the general path).
    /// </summary>
    public static FusedDecodeWeights? TryCapture(LlamaConfig c, Tensor embedding, IReadOnlyList<DecoderLayer> layers,
        RmsNorm finalNorm, Tensor lmHead, RotaryEmbedding rope)
    {
        long d = c.HiddenSize, q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKvHeads * c.HeadDim, f = c.IntermediateSize;
        var ok = true;
        nint Take(Tensor? t, long elements, bool optional = false)
        {
            if (t is null)
            {
                ok &= optional;
                return 0;
            }
            ok &= TensorMemory.AreContiguousOnCpu(ScalarType.BFloat16, t) && t.numel() == elements;
            return ok ? TensorMemory.Address(t) : 0;
        }
        var captured = new FusedLayer[layers.Count];
        for (var i = 0; i < layers.Count && ok; i++)
        {
            var layer = layers[i];
            if (layer.AttentionShards.Count != 1 || layer.FeedForwardShards.Count != 1 || layer.HasSandwichNorms || !c.IsPlainLlama)
            {
                return null;
            }
            var a = layer.AttentionShards[0];
            var w = a.Weights;
            if (layer.FeedForwardShards[0] is not FeedForward ffn)
            {
                return null;   // experts: only the general path runs them
            }
            ok &= (w.QNorm is null) == (w.KNorm is null) && a.Heads == c.NumHeads && a.KvHeads == c.NumKvHeads
                && (w.QNorm is null || (w.QNorm.Epsilon == c.RmsNormEps && w.KNorm!.Epsilon == c.RmsNormEps))
                && layer.AttentionNorm.Epsilon == c.RmsNormEps && layer.FfnNorm.Epsilon == c.RmsNormEps;
            captured[i] = new FusedLayer(
                Take(layer.AttentionNorm.Weight, d), Take(w.Wq, q * d), Take(w.Wk, kv * d), Take(w.Wv, kv * d),
                Take(w.Bq, q, optional: true), Take(w.Bk, kv, optional: true), Take(w.Bv, kv, optional: true),
                Take(w.QNorm?.Weight, c.HeadDim, optional: true), Take(w.KNorm?.Weight, c.HeadDim, optional: true),
                Take(w.Wo, d * q), Take(layer.FfnNorm.Weight, d), Take(ffn.Gate, f * d), Take(ffn.Up, f * d), Take(ffn.Down, d * f));
        }
        var half = c.HeadDim / 2;
        var weights = new FusedDecodeWeights(Take(embedding, (long)c.VocabSize * d), captured, Take(finalNorm.Weight, d),
            Take(lmHead, (long)c.VocabSize * d), Take(rope.Cos, rope.Cos.shape[0] * half), Take(rope.Sin, rope.Sin.shape[0] * half),
            (int)rope.Cos.shape[0], rope.Interleaved);
        return ok && finalNorm.Epsilon == c.RmsNormEps ? weights : null;
    }
}
