using LlmServe.Bench.Measure;
using LlmServe.Bench.Peer;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>(b) Batch-1 decode speed and step time, next to the memory-bandwidth floor (weight bytes / read bandwidth).</summary>
internal static class DecodeScenario
{
    public static async Task<PeerRun> RunPeerAsync(LlamaCppPeer peer, WorkerBenchSettings s, TokenPrompts prompts)
    {
        var run = await peer.GenerateAsync(prompts.Many(1, s.DecodePromptTokens), s.DecodeOutputTokens);
        Console.WriteLine($"  llama.cpp batch-1 decode: {run.DecodeTokensPerSecond:F1} tok/s");
        return run;
    }

    public static async Task<ResultSection> RunAsync(WorkerClient client, WorkerBenchSettings s, TokenPrompts prompts, PeerRun peer,
        long weightBytes, MemoryBandwidth.Result bandwidth)
    {
        var timing = await client.StreamAsync(prompts.Next(s.DecodePromptTokens), s.DecodeOutputTokens);
        var ours = timing.DecodeTokensPerSecond;
        Console.WriteLine($"  LlmServe batch-1 decode: {ours:F1} tok/s");
        var floorMs = weightBytes / (bandwidth.ReadGBps * 1e9) * 1000;
        return new ResultSection($"(b) Batch-1 decode ({s.DecodeOutputTokens} tokens after a {s.DecodePromptTokens}-token prompt)",
        [
            new("decode speed", "tok/s", ours, peer.DecodeTokensPerSecond, ours / peer.DecodeTokensPerSecond, Note: "ours from SSE chunk times"),
            new("step time", "ms", 1000 / ours, 1000 / peer.DecodeTokensPerSecond, Note: "lower is better"),
            new("bandwidth floor (weights / read bandwidth)", "ms", floorMs, Note: $"{weightBytes / 1e6:F0} MB of weights"),
            new("LlmServe step time / floor", "x", 1000 / ours / floorMs),
            new("memory read bandwidth (.NET, all cores)", "GB/s", bandwidth.ReadGBps),
            new("memory copy bandwidth (read + write)", "GB/s", bandwidth.CopyGBps),
        ]);
    }
}
