using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tests.Oracle;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Llama.TensorParallel;

/// <summary>
/// The forward sharded over N CPU shards equals the unsharded forward within float32 tolerance, through the
/// engine's paged path (chunked prefill, mixed prefill + decode, batched decodes) on real checkpoints.
/// </summary>
public sealed class TensorParallelForwardTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    private const int DecodeSteps = 4;

    /// <summary>
    /// Random checkpoints have 4 query heads over 2 kv heads: N=2 splits the kv heads, N=4 replicates them.
    /// qwen2 adds q/k/v biases, qwen3 per-head q/k norms and a q width (4 x 48) unlike the hidden size, phi3 fused
    /// projections split before sharding, gemma2/gemma3 sandwich norms, soft-capping and sliding windows on every shard.
    /// </summary>
    [Theory]
    [InlineData("llama", 2)]
    [InlineData("llama", 4)]
    [InlineData("mistral", 2)]
    [InlineData("qwen2", 2)]
    [InlineData("qwen2", 4)]
    [InlineData("qwen3", 2)]
    [InlineData("qwen3", 4)]
    [InlineData("phi3", 2)]
    [InlineData("gemma2", 2)]
    [InlineData("gemma3", 4)]
    [InlineData("mixtral", 2)]
    [InlineData("qwen3moe", 4)]
    public void RandomGguf_Sharded_EqualsUnsharded(string name, int shards) =>
        AssertShardedEqualsUnsharded(files.Gguf(name), shards);

    [Theory]
    [InlineData("llama3", 2)]
    [InlineData("qwen2", 4)]
    public void RandomHuggingFaceFolder_Sharded_EqualsUnsharded(string name, int shards) =>
        AssertShardedEqualsUnsharded(files.HuggingFace(name), shards);

    /// <summary>stories260K: 8 query heads over 4 kv heads, so both N=2 and N=4 split the kv heads.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Stories260K_Sharded_EqualsUnsharded(int shards) =>
        AssertShardedEqualsUnsharded(TestModels.Stories260K, shards);

    [Fact]
    public void Load_ShardsNotDividingTheHeads_FailsWithTheReason()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelLoader.Load(files.Gguf("llama"), ScalarType.Float32, tensorParallelSize: 3));

        Assert.Contains("--tensor-parallel-size 3 does not divide the model's 4 attention heads", error.Message);
    }

    [Fact]
    public void Load_FourShards_EachOwnsAQuarterOfTheKvCache()
    {
        using var model = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32, tensorParallelSize: 4);
        using var unsharded = ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32);
        using var cache = model.Network.CreateCache(16);

        Assert.Equal([16, 1, unsharded.Network.Config.HeadDim], cache.Keys(0, 3).shape);
        Assert.Equal(unsharded.Network.CacheBytesPerSlot, model.Network.CacheBytesPerSlot);
    }

    private static void AssertShardedEqualsUnsharded(string path, int shards)
    {
        using var reference = ModelLoader.Load(path, ScalarType.Float32);
        using var sharded = ModelLoader.Load(path, ScalarType.Float32, shards);
        Assert.Equal(shards, sharded.Network.Shards.Size);
        var a = reference.Tokenizer.Encode("Lily and Ben went to the park. They saw a big dog.", addSpecial: true).ToArray();
        var b = reference.Tokenizer.Encode("Once upon a time there was", addSpecial: true).ToArray();

        var expected = PagedSteps.Run(reference.Network, a, b, DecodeSteps);
        var actual = PagedSteps.Run(sharded.Network, a, b, DecodeSteps, tokensFrom: expected);

        Assert.Equal(expected.Count, actual.Count);
        for (var step = 0; step < expected.Count; step++)
        {
            var scale = expected[step].Cast<float>().Max(MathF.Abs);
            var diff = expected[step].Cast<float>().Zip(actual[step].Cast<float>(), (x, y) => MathF.Abs(x - y)).Max();
            // float32: the partial sums add in another order than one full matmul, so equal to ~1e-6 relative.
            Assert.True(diff <= 1e-4f * Math.Max(scale, 1f), $"step {step}: max |diff| {diff:G3} at logit scale {scale:G3}");
        }
    }
}
