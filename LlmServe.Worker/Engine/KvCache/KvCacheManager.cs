namespace LlmServe.Worker.Engine.KvCache;

/// <summary>
/// Gives requests the blocks their tokens need, reusing cached full blocks of an equal prefix when prefix
/// caching is on, and returns them the moment a request finishes, is cancelled or is preempted.
/// </summary>
/// <param name="cachePromptsOnly">Offer only blocks of prompt tokens for reuse, not of generated ones.</param>
internal sealed class KvCacheManager(BlockPool pool, int blockSize, bool enablePrefixCaching, bool cachePromptsOnly = false)
{
    public int BlockSize => blockSize;
    public BlockPool Pool => pool;
    public long PrefixQueries { get; private set; }
    public long PrefixHits { get; private set; }

    /// <summary>
    /// The longest run of cached full blocks at the start of a new request. At least one token is always left to
    /// compute, since the engine needs a forward pass to sample from.
    /// </summary>
    public List<KvBlock> FindCachedPrefix(EngineRequest request)
    {
        var hits = new List<KvBlock>();
        if (!enablePrefixCaching)
        {
            return hits;
        }
        UpdateHashes(request, request.NumTokens);
        var usable = (request.NumTokens - 1) / blockSize;
        foreach (var hash in request.BlockHashes.Take(usable))
        {
            if (pool.Cached(hash) is not { } block)
            {
                break;
            }
            hits.Add(block);
        }
        PrefixQueries += request.NumTokens;
        PrefixHits += hits.Count * blockSize;
        return hits;
    }

    /// <summary>
    /// Makes room for <paramref name="newTokens"/> more tokens after the computed ones; false (and no change) when
    /// the pool cannot supply the blocks. <paramref name="cachedPrefix"/> is taken over on a request's first call.
    /// </summary>
    public bool AllocateSlots(EngineRequest request, int newTokens, IReadOnlyList<KvBlock>? cachedPrefix = null)
    {
        var prefix = cachedPrefix ?? [];
        var total = request.NumComputedTokens + newTokens;
        var needed = (total + blockSize - 1) / blockSize - request.Blocks.Count - prefix.Count;
        // Cached blocks that sit in the free queue stop being allocatable once this request holds them.
        var freeAfterTouch = pool.FreeCount - prefix.Count(b => b.RefCount == 0);
        if (needed > freeAfterTouch)
        {
            return false;
        }
        pool.Touch(prefix);
        request.Blocks.AddRange(prefix);
        if (needed > 0)
        {
            request.Blocks.AddRange(pool.Allocate(needed));
        }
        if (enablePrefixCaching)
        {
            CacheFullBlocks(request, cachePromptsOnly ? Math.Min(total, request.Prompt.Length) : total);
        }
        return true;
    }

    /// <summary>Frees a request's blocks, tail first, so the ends of sequences are evicted before shared prefixes.</summary>
    public void Free(EngineRequest request)
    {
        var blocks = request.Blocks.AsEnumerable().Reverse().ToList();
        request.Blocks.Clear();
        pool.Free(blocks);
    }

    /// <summary>Slot of every position in [0, length): block id * block size + offset.</summary>
    public int[] ContextSlots(EngineRequest request, int length)
    {
        var slots = new int[length];
        for (var p = 0; p < length; p++)
        {
            slots[p] = request.Blocks[p / blockSize].Id * blockSize + p % blockSize;
        }
        return slots;
    }

    private void CacheFullBlocks(EngineRequest request, int tokensKnown)
    {
        UpdateHashes(request, tokensKnown);
        var full = Math.Min(tokensKnown / blockSize, request.BlockHashes.Count);
        for (var i = 0; i < full; i++)
        {
            pool.CacheFullBlock(request.Blocks[i], request.BlockHashes[i]);
        }
    }

    private void UpdateHashes(EngineRequest request, int tokens)
    {
        var hashes = request.BlockHashes;
        Span<int> buffer = stackalloc int[blockSize];
        while ((hashes.Count + 1) * blockSize <= tokens)
        {
            var start = hashes.Count * blockSize;
            for (var i = 0; i < blockSize; i++)
            {
                buffer[i] = request.TokenAt(start + i);
            }
            hashes.Add(BlockHash.Of(hashes.Count == 0 ? null : hashes[^1], buffer));
        }
    }
}
