using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Model.Llama.TensorParallel;

namespace LlmServe.Worker.Tests.Model.Llama.TensorParallel;

public sealed class ShardLayoutTests
{
    private static LlamaConfig Config(int heads, int kvHeads, int ffn = 256) => new()
    {
        VocabSize = 32, HiddenSize = heads * 16, IntermediateSize = ffn, NumLayers = 1, NumHeads = heads, NumKvHeads = kvHeads,
    };

    [Fact]
    public void Create_KvHeadsDivisible_SplitsThemWithTheirQueryGroups()
    {
        var layout = ShardLayout.Create(Config(heads: 8, kvHeads: 4), 2, "m");

        Assert.Equal((4, 2, 128), (layout.HeadsPerShard, layout.KvHeadsPerShard, layout.FfnPerShard));
        Assert.Equal([0, 2], new[] { layout.KvHeadStart(0), layout.KvHeadStart(1) });
        Assert.False(layout.ReplicatesKv);
    }

    [Fact]
    public void Create_FewerKvHeadsThanShards_EachShardCopiesTheKvHeadItsQueriesRead()
    {
        // 8 query heads over 2 kv heads: heads 0-3 read kv 0, heads 4-7 read kv 1; 4 shards own 2 query heads each.
        var layout = ShardLayout.Create(Config(heads: 8, kvHeads: 2), 4, "m");

        Assert.True(layout.ReplicatesKv);
        Assert.Equal(1, layout.KvHeadsPerShard);
        Assert.Equal([0, 0, 1, 1], Enumerable.Range(0, 4).Select(layout.KvHeadStart));
        Assert.Equal([0, 2, 4, 6], Enumerable.Range(0, 4).Select(layout.HeadStart));
    }

    [Theory]
    [InlineData(8, 4, 256, 3, "does not divide the model's 8 attention heads")]
    [InlineData(12, 4, 256, 6, "can neither split nor replicate the model's 4 kv heads")]
    [InlineData(8, 8, 100, 8, "does not divide the model's feed-forward width 100")]
    [InlineData(8, 8, 256, 0, "must be at least 1")]
    public void Create_ImpossibleSplit_SaysWhy(int heads, int kvHeads, int ffn, int size, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ShardLayout.Create(Config(heads, kvHeads, ffn), size, "model.gguf"));

        Assert.Contains(reason, error.Message);
    }
}
