using System.Diagnostics;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>(e) Worker resident memory across many short requests: growth here would be a leak per request.</summary>
internal static class MemoryScenario
{
    public static async Task<ResultSection> RunAsync(WorkerClient client, WorkerProcess worker, WorkerBenchSettings s, TokenPrompts prompts)
    {
        await RunManyAsync(client, s, prompts, s.MemoryWarmup);
        var before = ProcessMemory.ResidentBytes(worker.Pid);
        var started = Stopwatch.GetTimestamp();
        await RunManyAsync(client, s, prompts, s.MemoryRequests);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = ProcessMemory.ResidentBytes(worker.Pid);
        Console.WriteLine($"  RSS {before / 1048576.0:F0} -> {after / 1048576.0:F0} MiB over {s.MemoryRequests} requests ({s.MemoryRequests / seconds:F0} req/s)");
        return new ResultSection(
            $"(e) Memory: {s.MemoryRequests} requests ({s.MemoryPromptTokens}-token prompts, {s.MemoryOutputTokens} output tokens, concurrency {s.MemoryConcurrency}) after {s.MemoryWarmup} warm-up",
        [
            new("Worker RSS before", "MiB", before / 1048576.0),
            new("Worker RSS after", "MiB", after / 1048576.0),
            new("growth", "MiB", (after - before) / 1048576.0),
            new("request rate", "req/s", s.MemoryRequests / seconds),
        ]);
    }

    private static async Task RunManyAsync(WorkerClient client, WorkerBenchSettings s, TokenPrompts prompts, int count)
    {
        // Prompts are drawn up front: the shared generator is not thread-safe.
        var batch = prompts.Many(count, s.MemoryPromptTokens);
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = s.MemoryConcurrency },
            async (prompt, ct) => await client.CompleteAsync(prompt, s.MemoryOutputTokens, ct));
    }
}
