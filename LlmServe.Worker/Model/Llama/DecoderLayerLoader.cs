using LlmServe.Worker.Model.Llama.TensorParallel;
using static TorchSharp.torch;
using static LlmServe.Worker.Model.Llama.TensorParallel.WeightSlicer;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Loads block <c>blk.i</c> and splits it Megatron-style over the shards: q/k/v (and their biases) column-parallel
/// by heads, o_proj row-parallel over the same heads; the FFN as <see cref="FeedForwardLoader"/> splits it. Norms are
/// replicated. One shard gets the full weights.
/// </summary>
internal static class DecoderLayerLoader
{
    public static DecoderLayer Load(LlamaConfig config, IWeightSource weights, ScalarType dtype, int layer, ShardGroup shards)
    {
        long d = config.HiddenSize, q = config.NumHeads * config.HeadDim, kv = config.NumKvHeads * config.HeadDim;
        long dh = config.HeadDim;
        var p = $"blk.{layer}.";
        Tensor? Optional(bool present, string name, long size) => present ? weights.Load(p + name, [size], dtype) : null;
        Tensor? Norm(bool present, string name, long size) => present ? LoadNorm(config, weights, p + name, size, dtype) : null;

        // Fused matrices are split into row views that share the loaded storage (no copy).
        using var qkv = config.FusedQkv ? weights.Load(p + "attn_qkv.weight", [q + 2 * kv, d], dtype) : null; // (H*D + 2 Hkv*D, d)
        using var wq = qkv?.narrow(0, 0, q) ?? weights.Load(p + "attn_q.weight", [q, d], dtype);          // (H*D, d)
        using var wk = qkv?.narrow(0, q, kv) ?? weights.Load(p + "attn_k.weight", [kv, d], dtype);        // (Hkv*D, d)
        using var wv = qkv?.narrow(0, q + kv, kv) ?? weights.Load(p + "attn_v.weight", [kv, d], dtype);   // (Hkv*D, d)
        using var wo = weights.Load(p + "attn_output.weight", [d, q], dtype);     // (d, H*D)
        using var bq = Optional(config.AttentionBias, "attn_q.bias", q);
        using var bk = Optional(config.AttentionBias, "attn_k.bias", kv);
        using var bv = Optional(config.AttentionBias, "attn_v.bias", kv);
        using var qNorm = Norm(config.QkNorm, "attn_q_norm.weight", dh);         // (D), per head
        using var kNorm = Norm(config.QkNorm, "attn_k_norm.weight", dh);
        var ffn = FeedForwardLoader.Load(config, weights, dtype, p, shards);

        var layout = shards.Layout;
        var attention = new Attention[layout.Size];
        for (var s = 0; s < layout.Size; s++)
        {
            var device = shards.Device(s);
            long qStart = layout.HeadStart(s) * dh, qLength = layout.HeadsPerShard * dh;
            long kvStart = layout.KvHeadStart(s) * dh, kvLength = layout.KvHeadsPerShard * dh;
            Tensor? Bias(Tensor? b, long start, long length) => b is null ? null : Slice(b, 0, start, length, device);
            RmsNorm? HeadNorm(Tensor? w) => w is null ? null : new RmsNorm(Replicate(w, device), config.RmsNormEps);
            attention[s] = new Attention(layout.HeadsPerShard, layout.KvHeadsPerShard, config.HeadDim, new AttentionWeights(
                Slice(wq, 0, qStart, qLength, device),                            // (H_s*D, d)
                Slice(wk, 0, kvStart, kvLength, device),                          // (Hkv_s*D, d)
                Slice(wv, 0, kvStart, kvLength, device),                          // (Hkv_s*D, d)
                Slice(wo, 1, qStart, qLength, device),                            // (d, H_s*D)
                Bias(bq, qStart, qLength), Bias(bk, kvStart, kvLength), Bias(bv, kvStart, kvLength),
                HeadNorm(qNorm), HeadNorm(kNorm)), config.AttentionFor(layer));
        }
        var primary = shards.Primary;
        using var attentionNorm = Norm(true, "attn_norm.weight", d)!;
        using var ffnNorm = Norm(true, "ffn_norm.weight", d)!;
        // Sandwich norms (Gemma 2/3) are there or not, by the checkpoint.
        using var postAttentionNorm = Norm(weights.Contains(p + "post_attention_norm.weight"), "post_attention_norm.weight", d);
        using var postFfnNorm = Norm(weights.Contains(p + "post_ffw_norm.weight"), "post_ffw_norm.weight", d);
        RmsNorm? OnPrimary(Tensor? w) => w is null ? null : new RmsNorm(Replicate(w, primary), config.RmsNormEps);
        return new DecoderLayer(OnPrimary(attentionNorm)!, attention, OnPrimary(ffnNorm)!, ffn, shards,
            OnPrimary(postAttentionNorm), OnPrimary(postFfnNorm), config.ResidualScale);
    }

    /// <summary>
    /// A norm weight in the precision its family applies it in (<see cref="LlamaConfig.NormInFloat32"/>), with Gemma's
    /// Hugging Face offset added in float32 as transformers computes 1 + w.
    /// </summary>
    public static Tensor LoadNorm(LlamaConfig config, IWeightSource weights, string name, long size, ScalarType dtype)
    {
        var weight = weights.Load(name, [size], config.NormInFloat32 || config.NormWeightOffset ? ScalarType.Float32 : dtype); // (size)
        if (config.NormWeightOffset)
        {
            weight.add_(HeldScalars.One);
        }
        if (!config.NormInFloat32 && weight.dtype != dtype)
        {
            using (weight)
            {
                return weight.to_type(dtype);
            }
        }
        return weight;
    }
}
