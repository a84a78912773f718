using LlmServe.Bench.Measure;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>(c) One long shared system prompt, then distinct short questions: time to first token with the prefix cache on and off.</summary>
internal static class PrefixCacheScenario
{
    /// <summary>The same token ids for both Worker runs: the shared prefix and each question.</summary>
    public sealed record Workload(int[] SharedPrefix, IReadOnlyList<int[]> Questions, int[] WarmUpQuestion);

    public static Workload Create(WorkerBenchSettings s, TokenPrompts prompts) =>
        new(prompts.Next(s.SharedPrefixTokens), prompts.Many(s.Questions, s.QuestionTokens), prompts.Next(s.QuestionTokens));

    /// <summary>Median TTFT (seconds) of the questions, after one request that puts the shared prefix in the cache.</summary>
    public static async Task<double> MeasureAsync(WorkerClient client, Workload w)
    {
        await client.StreamAsync([.. w.SharedPrefix, .. w.WarmUpQuestion], 2);
        var ttfts = new List<double>();
        foreach (var q in w.Questions)
        {
            var timing = await client.StreamAsync([.. w.SharedPrefix, .. q], 2);
            ttfts.Add(timing.TimeToFirstToken);
        }
        return Stats.Median(ttfts);
    }

    public static ResultSection Report(WorkerBenchSettings s, double on, double off) =>
        new($"(c) Prefix caching: {s.SharedPrefixTokens}-token shared prompt + {s.QuestionTokens}-token questions ({s.Questions}), median TTFT",
        [
            new("TTFT, prefix caching on", "ms", on * 1000),
            new("TTFT, prefix caching off", "ms", off * 1000),
            new("off / on", "x", off / on, Target: ">= 5x"),
        ]);
}
