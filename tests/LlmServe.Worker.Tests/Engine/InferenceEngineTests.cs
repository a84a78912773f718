using LlmServe.Worker.Engine;

namespace LlmServe.Worker.Tests.Engine;

/// <summary>Continuous batching on the real checkpoint: outputs must not depend on what else is in the batch.</summary>
public sealed class InferenceEngineTests
{
    private static readonly string[] Prompts = TestEngines.StoryPrompts;

    private static InferenceEngine CreateEngine(EngineOptions? options = null, int? maxModelLen = null) =>
        TestEngines.Create(options ?? new EngineOptions(), maxModelLen);

    private static Task<List<int>> RunAsync(InferenceEngine engine, string prompt, SamplingParams sampling) =>
        TestEngines.GenerateAsync(engine, prompt, sampling);

    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 24, IgnoreEos = true };

    [Fact]
    public async Task SixteenConcurrentGreedyRequests_EachEqualsItsOutputAlone()
    {
        using var engine = CreateEngine();
        var alone = new List<List<int>>();
        foreach (var p in Prompts)
        {
            alone.Add(await RunAsync(engine, p, Greedy));
        }

        var together = await Task.WhenAll(Prompts.Select(p => RunAsync(engine, p, Greedy)));

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i]);
        }
    }

    [Fact]
    public async Task PrefixCachingOnAndOff_AndForcedPreemption_GiveTheSameGreedyOutputs()
    {
        var shared = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. ";
        var prompts = Prompts.Select(p => shared + p).ToArray();
        using var plain = CreateEngine(new EngineOptions { EnablePrefixCaching = false });
        var expected = await Task.WhenAll(prompts.Select(p => RunAsync(plain, p, Greedy)));

        using var cached = CreateEngine(new EngineOptions { EnablePrefixCaching = true });
        var withCache = await Task.WhenAll(prompts.Select(p => RunAsync(cached, p, Greedy)));
        // A second wave hits the cached shared prefix.
        var secondWave = await Task.WhenAll(prompts.Select(p => RunAsync(cached, p, Greedy)));

        // So few KV bytes that only a couple of sequences fit: requests are preempted and recomputed.
        using var tight = CreateEngine(new EngineOptions { KvCacheBytes = 1, BlockSize = 16 }, maxModelLen: 128);
        var preempted = await Task.WhenAll(prompts.Select(p => RunAsync(tight, p, Greedy)));

        Assert.True(cached.Load.PrefixHits > 0, "the second wave should hit the prefix cache");
        Assert.True(tight.Load.Preemptions > 0, "the tight cache should have preempted");
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(expected[i], withCache[i]);
            Assert.Equal(expected[i], secondWave[i]);
            Assert.Equal(expected[i], preempted[i]);
        }
    }

    [Fact]
    public async Task LongPrompt_ChunkedUnderASmallTokenBudget_GivesTheSameOutput()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("Lily saw a big red ball in the park and she was happy.", 20));
        using var whole = CreateEngine(new EngineOptions { Scheduler = new() { MaxNumBatchedTokens = 2048 } });
        using var chunked = CreateEngine(new EngineOptions { Scheduler = new() { MaxNumBatchedTokens = 48 } });

        var expected = await RunAsync(whole, prompt, Greedy);
        var actual = await Task.WhenAll(RunAsync(chunked, prompt, Greedy), RunAsync(chunked, "Once upon a time", Greedy));

        Assert.True(whole.Model.Tokenizer.Encode(prompt, true).Count > 200);
        Assert.Equal(expected, actual[0]);
        Assert.Equal(await RunAsync(whole, "Once upon a time", Greedy), actual[1]);
    }

    [Fact]
    public async Task SeededSampledRequest_SameAloneAndInABusyBatch()
    {
        using var engine = CreateEngine();
        var seeded = new SamplingParams { Temperature = 1.0, TopP = 0.9, Seed = 1234, MaxTokens = 32, IgnoreEos = true };
        var alone = await RunAsync(engine, "The little dog", seeded);

        var busy = Prompts.Select(p => RunAsync(engine, p, new SamplingParams { Temperature = 1.0, MaxTokens = 32 })).ToList();
        var inBatch = RunAsync(engine, "The little dog", seeded);
        await Task.WhenAll(busy);

        Assert.Equal(alone, await inBatch);
    }

    [Fact]
    public async Task CancelledRequest_FreesItsBlocksWithinAStep()
    {
        using var engine = CreateEngine();
        using var cts = new CancellationTokenSource();
        var request = engine.Submit("c", engine.Model.Tokenizer.Encode("Once upon a time", true),
            new SamplingParams { Temperature = 0, MaxTokens = 1000, IgnoreEos = true }, cts.Token);
        await request.Output.Reader.ReadAsync(TestContext.Current.CancellationToken);   // it is running
        // The load snapshot is published after each step, so it may lag the first token by one step.
        for (var i = 0; i < 100 && engine.Load.KvCacheUsage == 0; i++)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.True(engine.Load.KvCacheUsage > 0);

        await cts.CancelAsync();
        var events = new List<GenerationEvent>();
        await foreach (var e in request.Output.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }
        for (var i = 0; i < 50 && engine.Load.KvCacheUsage > 0; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(FinishReason.Abort, events[^1].Finish);
        Assert.Equal(0, engine.Load.KvCacheUsage);
        Assert.Equal(0, engine.Load.Running);
    }
}
