using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// A contiguous key/value cache for one sequence: per layer, keys and values of shape (capacity, Hkv, D).
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(LlamaConfig config, int capacity, ScalarType dtype)
    {
        Capacity = capacity;
        _keys = new Tensor[config.NumLayers];
        _values = new Tensor[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
        {
            _keys[i] = zeros([capacity, config.NumKvHeads, config.HeadDim], dtype);   // (S, Hkv, D)
            _values[i] = zeros([capacity, config.NumKvHeads, config.HeadDim], dtype); // (S, Hkv, D)
        }
    }

    public int Capacity { get; }

    public Tensor Keys(int layer) => _keys[layer];

    public Tensor Values(int layer) => _values[layer];

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
