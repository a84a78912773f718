using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// A Llama-family decoder. Weights are addressed by their GGUF names (token_embd, blk.N.attn_q, ...), which
/// other formats' loaders map onto.
/// </summary>
internal sealed class LlamaModel : IDisposable
{
    private readonly Tensor _embedding;        // (V, d)
    private readonly DecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly Tensor _lmHead;           // (V, d), may share storage with the embedding
    private readonly RotaryEmbedding _rope;

    public LlamaModel(LlamaConfig config, IWeightSource weights, ScalarType dtype)
    {
        config.Validate(weights.Source);
        Config = config;
        DType = dtype;
        long d = config.HiddenSize, q = config.NumHeads * config.HeadDim, kv = config.NumKvHeads * config.HeadDim;
        long ffn = config.IntermediateSize, dh = config.HeadDim;
        _embedding = weights.Load("token_embd.weight", [config.VocabSize, d], dtype);
        _layers = new DecoderLayer[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
        {
            var p = $"blk.{i}.";
            Tensor? Bias(string name, long size) => config.AttentionBias ? weights.Load(p + name, [size], dtype) : null;
            RmsNorm? HeadNorm(string name) => config.QkNorm ? new RmsNorm(weights.Load(p + name, [dh], dtype), config.RmsNormEps) : null;
            _layers[i] = new DecoderLayer(
                new RmsNorm(weights.Load(p + "attn_norm.weight", [d], dtype), config.RmsNormEps),
                new Attention(config, new AttentionWeights(
                    weights.Load(p + "attn_q.weight", [q, d], dtype),
                    weights.Load(p + "attn_k.weight", [kv, d], dtype),
                    weights.Load(p + "attn_v.weight", [kv, d], dtype),
                    weights.Load(p + "attn_output.weight", [d, q], dtype),
                    Bias("attn_q.bias", q), Bias("attn_k.bias", kv), Bias("attn_v.bias", kv),
                    HeadNorm("attn_q_norm.weight"), HeadNorm("attn_k_norm.weight"))),
                new RmsNorm(weights.Load(p + "ffn_norm.weight", [d], dtype), config.RmsNormEps),
                new FeedForward(
                    weights.Load(p + "ffn_gate.weight", [ffn, d], dtype),
                    weights.Load(p + "ffn_up.weight", [ffn, d], dtype),
                    weights.Load(p + "ffn_down.weight", [d, ffn], dtype)));
        }
        _norm = new RmsNorm(weights.Load("output_norm.weight", [d], dtype), config.RmsNormEps);
        // Tied embeddings: checkpoints without an output matrix reuse the token embedding as the LM head.
        _lmHead = weights.Contains("output.weight") && !config.TieWordEmbeddings
            ? weights.Load("output.weight", [config.VocabSize, d], dtype)
            : _embedding.alias();
        float[]? ropeDivisors = null;
        if (weights.Contains("rope_freqs.weight"))
        {
            using var divisors = weights.Load("rope_freqs.weight", [dh / 2], ScalarType.Float32);
            ropeDivisors = divisors.data<float>().ToArray();
        }
        _rope = new RotaryEmbedding(RotaryEmbedding.InverseFrequencies(config, ropeDivisors), config.MaxPositionEmbeddings,
            config.RopeInterleaved, dtype);
    }

    public LlamaConfig Config { get; }
    public ScalarType DType { get; }

    /// <summary>A cache of <paramref name="slots"/> rows (one per token position it can hold).</summary>
    public KvCache CreateCache(int slots) => new(Config, slots, DType);

    /// <summary>
    /// Runs the step's new tokens (N, int64) of every sequence in <paramref name="batch"/> through the model,
    /// writing their K/V into <paramref name="cache"/>, and returns float32 logits of the sampled rows (M, V).
    /// </summary>
    public Tensor Forward(Tensor tokens, AttentionBatch batch, KvCache cache)
    {
        var x = _embedding.index_select(0, tokens);                                    // (N, d)
        for (var i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x, batch, _rope, cache.Keys(i), cache.Values(i));   // (N, d)
        }
        var rows = _norm.Forward(x.index_select(0, batch.SampleIndices));              // (M, d)
        return nn.functional.linear(rows, _lmHead).to_type(ScalarType.Float32);        // (M, V)
    }

    /// <summary>
    /// One sequence whose cache slot i holds position i: runs <paramref name="tokens"/> (T) at positions
    /// startPos.. and returns float32 logits of the last one (V).
    /// </summary>
    public Tensor Forward(Tensor tokens, int startPos, KvCache cache)
    {
        var t = (int)tokens.shape[0];
        if (startPos + t > cache.Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), $"Sequence of {startPos + t} tokens exceeds the cache capacity {cache.Capacity}.");
        }
        using var batch = AttentionBatchBuilder.Build([new SequenceSlice(Enumerable.Range(0, startPos + t).ToArray(), t, Sample: true)]);
        return Forward(tokens, batch, cache).squeeze(0);                               // (V)
    }

    public void Dispose()
    {
        _embedding.Dispose();
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
        _norm.Dispose();
        _lmHead.Dispose();
        _rope.Dispose();
    }
}
