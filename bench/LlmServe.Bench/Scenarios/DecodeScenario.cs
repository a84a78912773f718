using LlmServe.Bench.Measure;
using LlmServe.Bench.Peer;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// (b) Batch-1 decode speed and step time, next to the memory-bandwidth floor (weight bytes / read bandwidth).
/// </summary>
/// <remarks>
/// Both runtimes decode the same prompt in alternating rounds, the order flipping each round, and the table reports
/// medians: on a shared machine either side's speed drifts by ±10% between minutes, so one request per side taken
/// minutes apart can not settle a 1.0x target. llama.cpp stays loaded beside the Worker for this section only; its
/// threads are idle while the Worker decodes.
/// </remarks>
internal static class DecodeScenario
{
    public static async Task<ResultSection> RunAsync(WorkerClient client, string ggufFile, WorkerBenchSettings s, TokenPrompts prompts,
        long weightBytes, MemoryBandwidth.Result bandwidth)
    {
        using var peer = new LlamaCppPeer(ggufFile, s.Threads);
        await peer.GenerateAsync(prompts.Many(1, 8), 4);                     // warm-up, as the Worker's
        List<double> ours = [], theirs = [], ratios = [];
        for (var round = 0; round < s.DecodeRounds; round++)
        {
            var prompt = prompts.Next(s.DecodePromptTokens);
            double o, t;
            if (round % 2 == 0)
            {
                t = (await peer.GenerateAsync([prompt], s.DecodeOutputTokens)).DecodeTokensPerSecond;
                o = (await client.StreamAsync(prompt, s.DecodeOutputTokens)).DecodeTokensPerSecond;
            }
            else
            {
                o = (await client.StreamAsync(prompt, s.DecodeOutputTokens)).DecodeTokensPerSecond;
                t = (await peer.GenerateAsync([prompt], s.DecodeOutputTokens)).DecodeTokensPerSecond;
            }
            ours.Add(o);
            theirs.Add(t);
            ratios.Add(o / t);
            Console.WriteLine($"  round {round + 1}/{s.DecodeRounds}: LlmServe {o:F1} tok/s, llama.cpp {t:F1} tok/s ({o / t:F2}x)");
        }
        double oursMedian = Stats.Median(ours), theirsMedian = Stats.Median(theirs);
        var floorMs = weightBytes / (bandwidth.ReadGBps * 1e9) * 1000;
        var spread = $"rounds: {Stats.Percentile(ours, 0):F1}-{Stats.Percentile(ours, 100):F1} vs {Stats.Percentile(theirs, 0):F1}-{Stats.Percentile(theirs, 100):F1}";
        return new ResultSection($"(b) Batch-1 decode ({s.DecodeOutputTokens} tokens after a {s.DecodePromptTokens}-token prompt, "
            + $"median of {s.DecodeRounds} alternating rounds)",
        [
            new("decode speed", "tok/s", oursMedian, theirsMedian, oursMedian / theirsMedian, Target: ">= 1.0x", Note: $"ours from SSE chunk times; {spread}"),
            new("per-round ratio, median", "x", Stats.Median(ratios),
                Note: $"{Stats.Percentile(ratios, 0):F2}-{Stats.Percentile(ratios, 100):F2} over the rounds"),
            new("step time", "ms", 1000 / oursMedian, 1000 / theirsMedian, Note: "lower is better"),
            new("bandwidth floor (weights / read bandwidth)", "ms", floorMs, Note: $"{weightBytes / 1e6:F0} MB of weights"),
            new("LlmServe step time / floor", "x", 1000 / oursMedian / floorMs),
            new("memory read bandwidth (.NET, all cores)", "GB/s", bandwidth.ReadGBps),
            new("memory copy bandwidth (read + write)", "GB/s", bandwidth.CopyGBps),
        ]);
    }
}
