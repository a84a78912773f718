using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Bert;

/// <summary>Word + absolute position + token-type embeddings, then LayerNorm (<c>embeddings.*</c>).</summary>
internal sealed class BertEmbeddings : IDisposable
{
    private readonly Tensor _words;      // (V, d)
    private readonly Tensor _positions;  // (P, d)
    private readonly Tensor _types;      // (types, d)
    private readonly LayerNorm _norm;

    public BertEmbeddings(BertConfig config, IWeightSource weights, ScalarType dtype)
    {
        long d = config.HiddenSize;
        _words = weights.Load("embeddings.word_embeddings.weight", [config.VocabSize, d], dtype);
        _positions = weights.Load("embeddings.position_embeddings.weight", [config.MaxPositionEmbeddings, d], dtype);
        _types = weights.Load("embeddings.token_type_embeddings.weight", [config.TypeVocabSize, d], dtype);
        _norm = LayerNorm.Load(weights, "embeddings.LayerNorm", d, config.LayerNormEps, dtype);
    }

    /// <summary>ids: (B, T) int64 at positions 0..T-1, all of token type 0 (single-segment inputs).</summary>
    public Tensor Forward(Tensor ids)
    {
        var (b, t) = (ids.shape[0], ids.shape[1]);
        var words = _words.index_select(0, ids.reshape(b * t)).view(b, t, -1); // (B, T, d)
        var positions = _positions[TensorIndex.Slice(0, t)];                   // (T, d)
        var type0 = _types[0];                                                  // (d)
        return _norm.Forward(words.add(positions, HeldScalars.One).add_(type0, HeldScalars.One)); // (B, T, d)
    }

    public void Dispose()
    {
        _words.Dispose();
        _positions.Dispose();
        _types.Dispose();
        _norm.Dispose();
    }
}
