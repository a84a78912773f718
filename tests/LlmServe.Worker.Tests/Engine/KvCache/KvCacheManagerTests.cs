using LlmServe.Worker.Engine.KvCache;

namespace LlmServe.Worker.Tests.Engine.KvCache;

public sealed class KvCacheManagerTests
{
    [Fact]
    public void AllocateSlots_GivesCeilOfTokensOverBlockSize()
    {
        var kv = new KvCacheManager(new BlockPool(10), blockSize: 4, enablePrefixCaching: false);
        var request = EngineTestRequests.Create(promptLength: 9);

        Assert.True(kv.AllocateSlots(request, 9));

        Assert.Equal([0, 1, 2], request.Blocks.Select(b => b.Id));    // 9 tokens -> 3 blocks of 4
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, kv.ContextSlots(request, 9));
    }

    [Fact]
    public void AllocateSlots_NotEnoughBlocks_ReturnsFalseAndChangesNothing()
    {
        var kv = new KvCacheManager(new BlockPool(2), blockSize: 4, enablePrefixCaching: false);
        var request = EngineTestRequests.Create(promptLength: 9);

        Assert.False(kv.AllocateSlots(request, 9));

        Assert.Empty(request.Blocks);
        Assert.Equal(2, kv.Pool.FreeCount);
    }

    [Fact]
    public void FindCachedPrefix_SamePromptAfterFirstFinished_ReusesItsFullBlocks()
    {
        var kv = new KvCacheManager(new BlockPool(10), blockSize: 4, enablePrefixCaching: true);
        var first = EngineTestRequests.Create(promptLength: 10);
        Assert.True(kv.AllocateSlots(first, 10));
        var firstBlocks = first.Blocks.Select(b => b.Id).ToList();
        kv.Free(first);

        var second = EngineTestRequests.Create(promptLength: 10);
        var prefix = kv.FindCachedPrefix(second);

        // Two full blocks (8 tokens) are cached; the partial third is not.
        Assert.Equal(firstBlocks.Take(2), prefix.Select(b => b.Id));
        second.NumComputedTokens = 8;
        Assert.True(kv.AllocateSlots(second, 2, prefix));
        Assert.Equal(firstBlocks.Take(2), second.Blocks.Take(2).Select(b => b.Id));
        Assert.Equal(8, kv.PrefixHits);
    }

    [Fact]
    public void FindCachedPrefix_AlwaysLeavesOneTokenToCompute()
    {
        var kv = new KvCacheManager(new BlockPool(10), blockSize: 4, enablePrefixCaching: true);
        var first = EngineTestRequests.Create(promptLength: 8);
        Assert.True(kv.AllocateSlots(first, 8));

        var second = EngineTestRequests.Create(promptLength: 8);

        Assert.Single(kv.FindCachedPrefix(second));   // 8 tokens: only the first block may be a hit
    }

    [Fact]
    public void Free_ReturnsBlocksTailFirst()
    {
        var kv = new KvCacheManager(new BlockPool(3), blockSize: 4, enablePrefixCaching: false);
        var request = EngineTestRequests.Create(promptLength: 12);
        Assert.True(kv.AllocateSlots(request, 12));

        kv.Free(request);

        Assert.Equal([2, 1, 0], kv.Pool.FreeQueue.Ids());
        Assert.Equal(0, kv.Pool.Usage);
    }
}
