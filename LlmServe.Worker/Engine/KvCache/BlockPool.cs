namespace LlmServe.Worker.Engine.KvCache;

/// <summary>
/// All KV blocks of a replica: hands out free blocks (evicting the cached contents of the least recently freed),
/// keeps the hash -> block map of full blocks for prefix caching, and takes blocks back by reference count.
/// </summary>
internal sealed class BlockPool
{
    private readonly KvBlock[] _blocks;
    private readonly FreeBlockQueue _free;
    private readonly Dictionary<BlockHash, KvBlock> _cached = [];

    public BlockPool(int numBlocks)
    {
        _blocks = Enumerable.Range(0, numBlocks).Select(i => new KvBlock(i)).ToArray();
        _free = new FreeBlockQueue(_blocks);
    }

    public int NumBlocks => _blocks.Length;
    public int FreeCount => _free.Count;
    internal FreeBlockQueue FreeQueue => _free;

    /// <summary>Fraction of blocks held by requests (cached-but-free blocks count as free, as in vLLM).</summary>
    public double Usage => 1.0 - (double)_free.Count / _blocks.Length;

    public KvBlock? Cached(BlockHash hash) => _cached.GetValueOrDefault(hash);

    public List<KvBlock> Allocate(int count)
    {
        if (count > _free.Count)
        {
            throw new InvalidOperationException($"Asked for {count} blocks with {_free.Count} free.");
        }
        var result = new List<KvBlock>(count);
        for (var i = 0; i < count; i++)
        {
            var block = _free.PopLeft();
            if (block.Hash is { } hash)
            {
                // Its old contents are about to be overwritten: they can no longer serve a prefix hit.
                _cached.Remove(hash);
                block.Hash = null;
            }
            block.RefCount = 1;
            result.Add(block);
        }
        return result;
    }

    /// <summary>Takes a reference on cached blocks a new request reuses (pulling free ones out of the queue).</summary>
    public void Touch(IEnumerable<KvBlock> blocks)
    {
        foreach (var block in blocks)
        {
            if (block.RefCount == 0 && block.InFreeQueue)
            {
                _free.Remove(block);
            }
            block.RefCount++;
        }
    }

    /// <summary>Releases references; blocks reaching zero join the free queue in the given order.</summary>
    public void Free(IEnumerable<KvBlock> blocksInEvictionOrder)
    {
        foreach (var block in blocksInEvictionOrder)
        {
            block.RefCount--;
            if (block.RefCount == 0)
            {
                _free.Append(block);
            }
        }
    }

    /// <summary>Records a just-filled block's hash so later requests with the same prefix can reuse it.</summary>
    public void CacheFullBlock(KvBlock block, BlockHash hash)
    {
        if (block.Hash is null && _cached.TryAdd(hash, block))
        {
            block.Hash = hash;
        }
    }
}
