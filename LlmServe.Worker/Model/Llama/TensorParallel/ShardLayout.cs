namespace LlmServe.Worker.Model.Llama.TensorParallel;

/// <summary>
/// How a Llama-family model splits over <see cref="Size"/> tensor-parallel shards (Megatron-style): each shard owns
/// <see cref="HeadsPerShard"/> consecutive query heads, the kv heads those query heads read, and
/// <see cref="FfnPerShard"/> consecutive FFN channels. Pure arithmetic, checked once when the model loads.
/// </summary>
/// <remarks>
/// With H query heads over Hkv kv heads (group G = H / Hkv), query head h reads kv head h / G. When Hkv divides
/// into N, shard s owns kv heads [s·Hkv/N, (s+1)·Hkv/N) and exactly the query heads that read them. When there
/// are fewer kv heads than shards (N a multiple of Hkv), every shard's query heads fall inside one group, so each
/// shard keeps a copy of that group's single kv head: kv head s / (N / Hkv).
/// </remarks>
internal sealed record ShardLayout(int Size, int HeadsPerShard, int KvHeadsPerShard, int FfnPerShard, int KvHeads)
{
    public static ShardLayout Single(LlamaConfig config) =>
        new(1, config.NumHeads, config.NumKvHeads, config.IntermediateSize, config.NumKvHeads);

    /// <summary>The layout for <paramref name="size"/> shards; throws with the reason when the model cannot split that way.</summary>
    public static ShardLayout Create(LlamaConfig config, int size, string source)
    {
        if (size < 1)
        {
            throw new ArgumentException($"--tensor-parallel-size must be at least 1 (got {size}).");
        }
        int heads = config.NumHeads, kvHeads = config.NumKvHeads, ffn = config.IntermediateSize;
        if (heads % size != 0)
        {
            throw new ArgumentException(
                $"{source}: --tensor-parallel-size {size} does not divide the model's {heads} attention heads; use a divisor of {heads}.");
        }
        if (kvHeads % size != 0 && size % kvHeads != 0)
        {
            throw new ArgumentException(
                $"{source}: --tensor-parallel-size {size} can neither split nor replicate the model's {kvHeads} kv heads " +
                $"(it must divide {kvHeads} or be a multiple of it).");
        }
        if (ffn % size != 0)
        {
            throw new ArgumentException(
                $"{source}: --tensor-parallel-size {size} does not divide the model's feed-forward width {ffn}.");
        }
        return new ShardLayout(size, heads / size, Math.Max(kvHeads / size, 1), ffn / size, kvHeads);
    }

    /// <summary>True when the kv heads are copied rather than split (fewer kv heads than shards).</summary>
    public bool ReplicatesKv => KvHeads < Size;

    public int HeadStart(int shard) => shard * HeadsPerShard;

    public int KvHeadStart(int shard) => ReplicatesKv ? shard / (Size / KvHeads) : shard * KvHeadsPerShard;

    public int FfnStart(int shard) => shard * FfnPerShard;
}
