using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Tests.Oracle;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>
/// Batch invariance of a bf16 model, where the linears' kernel would otherwise change with the step's row count:
/// with <see cref="EngineOptions.BatchInvariant"/>, 16 concurrent greedy requests each give their output alone, and
/// so do a warm prefix cache and forced preemption.
/// </summary>
public sealed class BatchInvarianceTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    private static readonly string[] Prompts = TestEngines.StoryPrompts;

    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 40, IgnoreEos = true };

    // Wide enough that torch's GEMM and the GEMV kernel part in the last bits, with weights large enough for that to
    // move greedy choices (the default 0.02 leaves logits nearly tied).
    private static readonly RandomCheckpointSpec Spec = new()
    {
        HiddenSize = 256, Layers = 4, Heads = 8, KvHeads = 2, IntermediateSize = 688, DType = CheckpointDType.BF16, InitStd = 0.05,
    };

    [Fact]
    public async Task Bf16_SixteenConcurrent_WarmPrefixCacheAndPreemption_EachEqualsItsOutputAlone()
    {
        var model = files.Gguf("batch-invariance", Spec);
        using var engine = TestEngines.Create(new EngineOptions { BatchInvariant = true }, model: model, dtype: ScalarType.BFloat16);
        var alone = new List<List<int>>();
        foreach (var p in Prompts)
        {
            alone.Add(await RunAsync(engine, p));
        }

        var together = await Task.WhenAll(Prompts.Select(p => RunAsync(engine, p)));
        var again = await Task.WhenAll(Prompts.Select(p => RunAsync(engine, p)));   // prompts now in the prefix cache
        using var tight = TestEngines.Create(new EngineOptions { BatchInvariant = true, KvCacheBytes = 1, BlockSize = 16 },
            maxModelLen: 128, model: model, dtype: ScalarType.BFloat16);
        var preempted = await Task.WhenAll(Prompts.Select(p => RunAsync(tight, p)));

        Assert.True(engine.Load.PrefixHits > 0, "the second wave should hit the prefix cache");
        Assert.True(tight.Load.Preemptions > 0, "the tight cache should have preempted");
        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i]);
            Assert.Equal(alone[i], again[i]);
            Assert.Equal(alone[i], preempted[i]);
        }
    }

    private static Task<List<int>> RunAsync(InferenceEngine engine, string prompt) => TestEngines.GenerateAsync(engine, prompt, Greedy);
}
