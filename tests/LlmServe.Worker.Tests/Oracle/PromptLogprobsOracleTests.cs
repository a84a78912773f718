using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Engine.Scheduling;
using LlmServe.Worker.Tests.Engine;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Prompt log-probabilities from the engine (every prompt position's logits, across chunks, beside other requests, on
/// a prompt whose blocks are already cached) against the log-softmax of llama.cpp's logits at each position.
/// </summary>
public sealed class PromptLogprobsOracleTests(Stories260KFixture fixture) : IClassFixture<Stories260KFixture>
{
    private const int Top = 3;

    [Fact]
    public async Task PromptLogprobs_ChunkedCachedAndBatched_MatchLlamaCppLogSoftmax()
    {
        var prompt = string.Join(" ", Enumerable.Repeat("Lily saw a big red ball in the park and she was happy.", 14));
        var tokens = fixture.Model.Tokenizer.Encode(prompt, addSpecial: true);
        Assert.InRange(tokens.Count, Scheduler.MaxPromptLogitRows + 1, (int)LlamaCppOracle.ContextSize - 1);
        using var engine = TestEngines.Create(new EngineOptions { Scheduler = new() { MaxNumBatchedTokens = 48 } });
        // The same prompt first, without prompt logprobs: its blocks are cached, and must not be taken as computed.
        await RunAsync(engine, tokens, new SamplingParams { Temperature = 0, MaxTokens = 2 });
        var hitsBefore = engine.Load.PrefixHits;

        var others = new[] { "Once upon a time", "The little dog", "Tim had a red ball" }
            .Select(p => RunAsync(engine, engine.Model.Tokenizer.Encode(p, true), new SamplingParams { Temperature = 0, MaxTokens = 24, IgnoreEos = true }))
            .ToList();
        var scored = await RunAsync(engine, tokens, new SamplingParams { Temperature = 0, MaxTokens = 0, PromptLogprobs = Top });
        await Task.WhenAll(others);

        Assert.Equal(FinishReason.Length, scored.Finish);
        Assert.Empty(scored.Tokens);
        Assert.Equal(hitsBefore, engine.Load.PrefixHits);
        var reference = fixture.Oracle.AllLogits(tokens);
        var ours = scored.PromptLogprobs!;
        Assert.Equal(tokens.Count, ours.Count);
        Assert.Null(ours[0]);
        for (var i = 1; i < tokens.Count; i++)
        {
            var expected = LogSoftmax(reference[i - 1]);
            var entry = ours[i]!;
            Assert.Equal(tokens[i], entry.TokenId);
            Assert.True(Math.Abs(entry.Logprob - expected[tokens[i]]) < 2e-3,
                $"position {i}: ours {entry.Logprob}, llama.cpp {expected[tokens[i]]}");
            var (lowest, highest) = RankRange(expected, tokens[i], 1e-3f);
            Assert.InRange(entry.Rank, lowest, highest);
            Assert.Equal(Top, entry.Top.Count);
            Assert.True(Math.Abs(entry.Top[0].Logprob - expected.Max()) < 2e-3, $"position {i}: best alternative");
        }
    }

    [Fact]
    public async Task PromptLogprobs_UnderPreemption_EqualThoseOfARoomyEngine()
    {
        var prompts = new[] { "Once upon a time, there was a little girl named Lily. She loved to play", "The little dog ran to the park",
            "Sam had a big red ball and a small blue car", "One day, a big bird flew over the house" };
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 48, IgnoreEos = true, PromptLogprobs = 1 };
        using var roomy = TestEngines.Create(new EngineOptions());
        var expected = await Task.WhenAll(prompts.Select(p => RunAsync(roomy, roomy.Model.Tokenizer.Encode(p, true), sampling)));

        // So few KV bytes that only a couple of sequences fit: requests are preempted and recomputed from the start.
        using var tight = TestEngines.Create(new EngineOptions { KvCacheBytes = 1, BlockSize = 16 }, maxModelLen: 128);
        var actual = await Task.WhenAll(prompts.Concat(prompts).Select(p => RunAsync(tight, tight.Model.Tokenizer.Encode(p, true), sampling)));

        Assert.True(tight.Load.Preemptions > 0, "the tight cache should have preempted");
        for (var i = 0; i < actual.Length; i++)
        {
            var want = expected[i % prompts.Length];
            Assert.Equal(want.Tokens, actual[i].Tokens);
            Assert.Equal(want.PromptLogprobs!.Count, actual[i].PromptLogprobs!.Count);
            for (var p = 1; p < want.PromptLogprobs.Count; p++)
            {
                Assert.Equal(want.PromptLogprobs[p]!.Logprob, actual[i].PromptLogprobs![p]!.Logprob, 1e-4);
            }
        }
    }

    private sealed record Scored(List<int> Tokens, FinishReason? Finish, IReadOnlyList<TokenLogprobs?>? PromptLogprobs);

    private static async Task<Scored> RunAsync(InferenceEngine engine, IReadOnlyList<int> prompt, SamplingParams sampling)
    {
        var request = engine.Submit(Guid.NewGuid().ToString("N"), prompt, sampling, TestContext.Current.CancellationToken);
        var tokens = new List<int>();
        FinishReason? finish = null;
        IReadOnlyList<TokenLogprobs?>? promptLogprobs = null;
        await foreach (var e in request.Output.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (e.TokenId is int t)
            {
                tokens.Add(t);
            }
            Assert.True(promptLogprobs is null || e.PromptLogprobs is null, "prompt logprobs come once");
            promptLogprobs ??= e.PromptLogprobs;
            finish = e.Finish ?? finish;
        }
        return new Scored(tokens, finish, promptLogprobs);
    }

    private static float[] LogSoftmax(float[] logits)
    {
        var max = logits.Max();
        var logZ = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => (float)(l - logZ)).ToArray();
    }

    /// <summary>The ranks a token may take when values within <paramref name="tie"/> of it may order either way.</summary>
    private static (int Lowest, int Highest) RankRange(float[] values, int token, float tie) =>
        (1 + values.Count(v => v > values[token] + tie), values.Count(v => v >= values[token] - tie));
}
