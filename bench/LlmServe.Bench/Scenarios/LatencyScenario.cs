using System.Diagnostics;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>(d) TTFT and inter-token latency percentiles under Poisson arrivals, measured client-side from SSE chunk times.</summary>
internal static class LatencyScenario
{
    public static async Task<ResultSection> RunAsync(WorkerClient client, WorkerBenchSettings s, TokenPrompts prompts, int seed)
    {
        var rows = new List<Measurement>();
        var random = new System.Random(seed);
        foreach (var rate in s.Rates)
        {
            var batch = prompts.Many(s.RequestsPerRate, s.LatencyPromptTokens);
            var started = Stopwatch.GetTimestamp();
            var tasks = new List<Task<StreamTiming>>();
            var at = 0.0;
            foreach (var prompt in batch)
            {
                // Exponential gaps with mean 1/rate make the arrivals a Poisson process.
                var wait = at - Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait));
                }
                tasks.Add(client.StreamAsync(prompt, s.LatencyOutputTokens));
                at += -Math.Log(1 - random.NextDouble()) / rate;
            }
            var timings = await Task.WhenAll(tasks);
            var ttft = timings.Select(t => t.TimeToFirstToken * 1000).ToList();
            var itl = timings.SelectMany(t => t.InterChunkGaps).Select(g => g * 1000).ToList();
            Console.WriteLine($"  {rate} req/s: TTFT p50 {Stats.Median(ttft):F0} ms, ITL p50 {Stats.Median(itl):F1} ms");
            var label = $"{rate:0.##} req/s";
            rows.Add(new($"{label}: TTFT p50", "ms", Stats.Median(ttft)));
            rows.Add(new($"{label}: TTFT p99", "ms", Stats.Percentile(ttft, 99)));
            rows.Add(new($"{label}: inter-token p50", "ms", Stats.Median(itl)));
            rows.Add(new($"{label}: inter-token p99", "ms", Stats.Percentile(itl, 99)));
        }
        return new ResultSection(
            $"(d) Latency under Poisson arrivals ({s.RequestsPerRate} streamed requests per rate, {s.LatencyPromptTokens}-token prompts, {s.LatencyOutputTokens} output tokens)",
            rows);
    }
}
