using System.Diagnostics;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Peer;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>(a) Aggregate output tok/s: many concurrent requests vs the same Worker one request at a time, and vs llama.cpp.</summary>
internal static class ThroughputScenario
{
    public sealed record PeerFigures(PeerRun Best, PeerRun Single, string? Note);

    /// <summary>llama.cpp with as many sequences as fit (halving on failure), and with one.</summary>
    public static async Task<PeerFigures> RunPeerAsync(LlamaCppPeer peer, WorkerBenchSettings s, TokenPrompts prompts)
    {
        var single = await peer.GenerateAsync(prompts.Many(1, s.PromptTokens), s.OutputTokens);
        Console.WriteLine($"  llama.cpp 1 sequence: {single.OutputTokensPerSecond:F1} tok/s");
        string? note = null;
        for (var n = s.Concurrency; n > 1; n /= 2)
        {
            try
            {
                var run = await peer.GenerateAsync(prompts.Many(n, s.PromptTokens), s.OutputTokens);
                Console.WriteLine($"  llama.cpp {n} sequences (BatchedExecutor): {run.OutputTokensPerSecond:F1} tok/s");
                return new PeerFigures(run.OutputTokensPerSecond >= single.OutputTokensPerSecond ? run : single, single, note);
            }
            catch (Exception e) when (e is InvalidOperationException or LLama.Exceptions.RuntimeError)
            {
                note = $"{n} sequences failed ({e.Message}); fewer used";
                Console.WriteLine($"  llama.cpp {n} sequences failed: {e.Message}");
            }
        }
        return new PeerFigures(single, single, note);
    }

    public static async Task<ResultSection> RunAsync(WorkerClient client, WorkerBenchSettings s, TokenPrompts prompts, PeerFigures peer,
        GemmFloor.Result floor)
    {
        var concurrent = await MeasureConcurrentAsync(client, s, prompts);

        var sequentialTokens = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var p in prompts.Many(s.SequentialRequests, s.PromptTokens))
        {
            sequentialTokens += await client.CompleteAsync(p, s.OutputTokens);
        }
        var sequential = sequentialTokens / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"  LlmServe one at a time: {sequential:F1} tok/s");

        var workload = $"{s.PromptTokens}-token prompts, {s.OutputTokens} output tokens";
        // What the batch would reach if nothing but its GEMMs took time: the ceiling of the ratio on this machine.
        var floorRate = (double)s.Concurrency * s.OutputTokens / floor.Seconds;
        return new ResultSection($"(a) Throughput: {workload}",
        [
            new($"{s.Concurrency} concurrent requests, aggregate output", "tok/s", concurrent, peer.Best.OutputTokensPerSecond,
                concurrent / peer.Best.OutputTokensPerSecond, ">= 1.5x",
                $"llama.cpp: {peer.Best.Sequences} sequences in one BatchedExecutor{(peer.Note is null ? "" : "; " + peer.Note)}"),
            new("one request at a time", "tok/s", sequential, peer.Single.OutputTokensPerSecond, sequential / peer.Single.OutputTokensPerSecond,
                null, $"{s.SequentialRequests} sequential requests; llama.cpp: 1 sequence"),
            new("LlmServe concurrent / one at a time", "x", concurrent / sequential, Target: ">= 8x"),
            new($"compute floor of the {s.Concurrency} concurrent requests", "s", floor.Seconds,
                Note: $"their GEMMs alone at libtorch's measured speed (bf16 or float32, the faster): prefill {floor.PrefillSeconds:F1} s (chunks of {s.StepTokenBudget}) + decode {floor.DecodeSeconds:F1} s; best rate {floor.BestGflops:F0} GFLOP/s"),
            new("ceiling of concurrent / one at a time on this machine", "x", floorRate / sequential,
                Note: "output tokens / compute floor, over the measured one-at-a-time rate: no engine here can pass it"),
            new("LlmServe concurrent / compute-floor rate", "x", concurrent / floorRate, Note: "share of the ceiling reached"),
        ]);
    }

    /// <summary>Aggregate output tok/s of <see cref="WorkerBenchSettings.Concurrency"/> concurrent requests.</summary>
    public static async Task<double> MeasureConcurrentAsync(WorkerClient client, WorkerBenchSettings s, TokenPrompts prompts)
    {
        var batch = prompts.Many(s.Concurrency, s.PromptTokens);
        var started = Stopwatch.GetTimestamp();
        var tokens = await Task.WhenAll(batch.Select(p => client.CompleteAsync(p, s.OutputTokens)));
        var concurrent = tokens.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"  LlmServe {s.Concurrency} concurrent: {concurrent:F1} tok/s");
        return concurrent;
    }

    /// <summary>(a) with a row for the same batch on a Worker started with <c>--no-batch-invariant</c>.</summary>
    public static ResultSection WithoutBatchInvariance(ResultSection section, WorkerBenchSettings s, double concurrent, PeerFigures peer) =>
        section with
        {
            Rows =
            [
                .. section.Rows,
                new($"{s.Concurrency} concurrent, --no-batch-invariant", "tok/s", concurrent, peer.Best.OutputTokensPerSecond,
                    concurrent / peer.Best.OutputTokensPerSecond,
                    Note: "the same batch when a row's kernel may follow the step's size: faster, but bf16 outputs then depend on the batch"),
            ],
        };
}
