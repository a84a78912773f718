using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Bert;

/// <summary>
/// A BERT encoder addressed by Hugging Face names (embeddings.*, encoder.layer.N.*); the pooler, when a
/// checkpoint has one, is not loaded: sentence embeddings pool the last hidden states instead.
/// </summary>
internal sealed class BertModel : IDisposable
{
    private readonly BertEmbeddings _embeddings;
    private readonly BertLayer[] _layers;

    public BertModel(BertConfig config, IWeightSource weights, ScalarType dtype)
    {
        config.Validate(weights.Source);
        Config = config;
        DType = dtype;
        _embeddings = new BertEmbeddings(config, weights, dtype);
        _layers = new BertLayer[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
        {
            _layers[i] = new BertLayer(config, weights, $"encoder.layer.{i}.", dtype);
        }
    }

    public BertConfig Config { get; }
    public ScalarType DType { get; }

    /// <summary>
    /// ids: (B, T) int64, right-padded; mask: (B, T) bool, true for real tokens. Returns the last hidden states
    /// (B, T, d) in the model's dtype; rows at padding positions are computed but meaningless.
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor mask)
    {
        if (ids.shape[1] > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentOutOfRangeException(nameof(ids), $"{ids.shape[1]} tokens exceed the {Config.MaxPositionEmbeddings} positions of this model.");
        }
        var keyMask = mask.view(mask.shape[0], 1, 1, mask.shape[1]); // (B, 1, 1, T), broadcast over heads and queries
        var x = _embeddings.Forward(ids);                              // (B, T, d)
        foreach (var layer in _layers)
        {
            x = layer.Forward(x, keyMask);                             // (B, T, d)
        }
        return x;
    }

    public void Dispose()
    {
        _embeddings.Dispose();
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
    }
}
