using LlmServe.Worker.Engine.KvCache;

namespace LlmServe.Worker.Tests.Engine.KvCache;

public sealed class BlockPoolTests
{
    [Fact]
    public void Allocate_TakesFromTheHeadInIdOrder()
    {
        var pool = new BlockPool(5);

        var blocks = pool.Allocate(3);

        Assert.Equal([0, 1, 2], blocks.Select(b => b.Id));
        Assert.Equal([3, 4], pool.FreeQueue.Ids());
        Assert.All(blocks, b => Assert.Equal(1, b.RefCount));
    }

    [Fact]
    public void Free_AppendsInTheGivenOrder_AndCachedBlocksCanBeTouchedBack()
    {
        var pool = new BlockPool(4);
        var blocks = pool.Allocate(3);
        var hash = BlockHash.Of(null, [1, 2, 3, 4]);
        pool.CacheFullBlock(blocks[0], hash);

        pool.Free([blocks[2], blocks[1], blocks[0]]);   // tail first

        Assert.Equal([3, 2, 1, 0], pool.FreeQueue.Ids());
        Assert.Same(blocks[0], pool.Cached(hash));
        pool.Touch([blocks[0]]);
        Assert.Equal([3, 2, 1], pool.FreeQueue.Ids());
        Assert.Equal(1, blocks[0].RefCount);
    }

    [Fact]
    public void Allocate_EvictsTheCachedContentsOfReusedBlocks()
    {
        var pool = new BlockPool(1);
        var block = pool.Allocate(1)[0];
        var hash = BlockHash.Of(null, [7, 7]);
        pool.CacheFullBlock(block, hash);
        pool.Free([block]);

        var again = pool.Allocate(1)[0];

        Assert.Same(block, again);
        Assert.Null(pool.Cached(hash));
        Assert.Null(again.Hash);
    }

    [Fact]
    public void BlockHash_DependsOnTheWholePrefix()
    {
        var a = BlockHash.Of(null, [1, 2]);
        var b = BlockHash.Of(null, [3, 4]);

        Assert.NotEqual(BlockHash.Of(a, [5, 6]), BlockHash.Of(b, [5, 6]));
        Assert.Equal(BlockHash.Of(a, [5, 6]), BlockHash.Of(BlockHash.Of(null, [1, 2]), [5, 6]));
    }
}
