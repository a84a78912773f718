using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// The key/value cache as flat slots: per layer, keys and values of shape (slots, Hkv, D). The engine hands out
/// slots in fixed-size blocks (slot = block * block_size + offset); a single sequence may also use slots 0..n.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    public KvCache(LlamaConfig config, int slots, ScalarType dtype)
    {
        Capacity = slots;
        _keys = new Tensor[config.NumLayers];
        _values = new Tensor[config.NumLayers];
        for (var i = 0; i < config.NumLayers; i++)
        {
            _keys[i] = zeros([slots, config.NumKvHeads, config.HeadDim], dtype);   // (slots, Hkv, D)
            _values[i] = zeros([slots, config.NumKvHeads, config.HeadDim], dtype); // (slots, Hkv, D)
        }
    }

    public int Capacity { get; }

    public Tensor Keys(int layer) => _keys[layer];

    public Tensor Values(int layer) => _values[layer];

    /// <summary>Bytes one slot takes across all layers (keys and values).</summary>
    public static long BytesPerSlot(LlamaConfig config, ScalarType dtype) =>
        2L * config.NumLayers * config.NumKvHeads * config.HeadDim * (dtype == ScalarType.Float32 ? 4 : 2);

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
