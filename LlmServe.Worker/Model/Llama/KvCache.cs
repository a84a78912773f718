using LlmServe.Worker.Model.Llama.TensorParallel;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// The key/value cache as flat slots: per layer and tensor-parallel shard, keys and values of shape
/// (slots, Hkv_shard, D) on the shard's device. The engine hands out slots in fixed-size blocks
/// (slot = block * block_size + offset); a single sequence may also use slots 0..n. Every shard uses the same slot
/// numbers, each for its own kv heads.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly Tensor[,] _keys;
    private readonly Tensor[,] _values;

    public KvCache(LlamaConfig config, ShardGroup shards, int slots, ScalarType dtype)
    {
        Capacity = slots;
        _keys = new Tensor[config.NumLayers, shards.Size];
        _values = new Tensor[config.NumLayers, shards.Size];
        long kvHeads = shards.Layout.KvHeadsPerShard;
        for (var i = 0; i < config.NumLayers; i++)
        {
            for (var s = 0; s < shards.Size; s++)
            {
                _keys[i, s] = zeros([slots, kvHeads, config.HeadDim], dtype, shards.Device(s));   // (slots, Hkv_shard, D)
                _values[i, s] = zeros([slots, kvHeads, config.HeadDim], dtype, shards.Device(s)); // (slots, Hkv_shard, D)
            }
        }
    }

    public int Capacity { get; }

    public Tensor Keys(int layer, int shard = 0) => _keys[layer, shard];

    public Tensor Values(int layer, int shard = 0) => _values[layer, shard];

    /// <summary>Bytes one slot takes across all layers and shards (keys and values; replicated kv heads count once per copy).</summary>
    public static long BytesPerSlot(LlamaConfig config, ShardLayout layout, ScalarType dtype) =>
        2L * config.NumLayers * layout.Size * layout.KvHeadsPerShard * config.HeadDim * (dtype == ScalarType.Float32 ? 4 : 2);

    public void Dispose()
    {
        foreach (var t in _keys.Cast<Tensor>().Concat(_values.Cast<Tensor>()))
        {
            t.Dispose();
        }
    }
}
