using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Tests.Oracle;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>
/// Batch invariance on the CPU, where the linears' kernel would otherwise change with the step's row count (bf16: the
/// GEMV kernel or torch's GEMM; float32: torch's GEMM sums few-row and uneven-row products differently) and padded
/// batched decode attention with the batch's longest context: with <see cref="EngineOptions.BatchInvariant"/>, 16
/// concurrent greedy requests each give their output alone, token for token and log-probability for log-probability,
/// and so do a warm prefix cache and forced preemption.
/// </summary>
public sealed class BatchInvarianceTests(RandomCheckpointFixture files) : IClassFixture<RandomCheckpointFixture>
{
    private static readonly string[] Prompts = TestEngines.StoryPrompts;

    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 40, IgnoreEos = true, Logprobs = 0 };

    // Wide enough that the kernels part in the last bits, with weights large enough for that to move greedy choices
    // (the default 0.02 leaves logits nearly tied).
    private static RandomCheckpointSpec Spec(CheckpointDType dtype) => new()
    {
        HiddenSize = 256, Layers = 4, Heads = 8, KvHeads = 2, IntermediateSize = 688, DType = dtype, InitStd = 0.05,
    };

    [Theory]
    [InlineData(CheckpointDType.BF16, ScalarType.BFloat16)]
    [InlineData(CheckpointDType.F32, ScalarType.Float32)]
    public async Task SixteenConcurrent_WarmPrefixCacheAndPreemption_EachEqualsItsOutputAlone(CheckpointDType file, ScalarType dtype)
    {
        var model = files.Gguf($"batch-invariance-{file}", Spec(file));
        using var engine = TestEngines.Create(new EngineOptions { BatchInvariant = true }, model: model, dtype: dtype);
        var alone = new List<List<(int Token, float Logprob)>>();
        foreach (var p in Prompts)
        {
            alone.Add(await RunAsync(engine, p));
        }

        var together = await Task.WhenAll(Prompts.Select(p => RunAsync(engine, p)));
        var again = await Task.WhenAll(Prompts.Select(p => RunAsync(engine, p)));   // prompts now in the prefix cache
        using var tight = TestEngines.Create(new EngineOptions { BatchInvariant = true, KvCacheBytes = 1, BlockSize = 16 },
            maxModelLen: 128, model: model, dtype: dtype);
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

    [Theory]
    [InlineData(CheckpointDType.BF16, ScalarType.BFloat16)]
    [InlineData(CheckpointDType.F32, ScalarType.Float32)]
    public async Task ChunkedPrompts_SplitDifferentlyInABusyBatch_EachEqualsItsOutputAlone(CheckpointDType file, ScalarType dtype)
    {
        // ~50-token prompts under a 24-token budget: alone a prompt is cut every 24 tokens; beside 7 others its chunks
        // start and end wherever the shared budget runs out.
        var prompts = Enumerable.Range(0, 8).Select(i => string.Join(" ", Prompts.Skip(i).Concat(Prompts.Take(i)).Take(4))).ToArray();
        var model = files.Gguf($"batch-invariance-{file}", Spec(file));
        using var engine = TestEngines.Create(new EngineOptions
        {
            BatchInvariant = true, EnablePrefixCaching = false, Scheduler = new() { MaxNumBatchedTokens = 24 },
        }, model: model, dtype: dtype);
        var alone = new List<List<(int Token, float Logprob)>>();
        foreach (var p in prompts)
        {
            alone.Add(await RunAsync(engine, p));
        }

        var together = await Task.WhenAll(prompts.Select(p => RunAsync(engine, p)));

        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i]);
        }
    }

    /// <summary>Each generated token with its log-probability, whose bits show any difference in the sums before it.</summary>
    private static async Task<List<(int Token, float Logprob)>> RunAsync(InferenceEngine engine, string prompt)
    {
        var ct = TestContext.Current.CancellationToken;
        var request = engine.Submit(Guid.NewGuid().ToString("N"), engine.Model.Tokenizer.Encode(prompt, true), Greedy, ct);
        var tokens = new List<(int, float)>();
        await foreach (var e in request.Output.Reader.ReadAllAsync(ct))
        {
            if (e is { TokenId: int t, Logprobs: { } lp })
            {
                tokens.Add((t, lp.Logprob));
            }
        }
        return tokens;
    }
}
