using LlmServe.Bench.Measure;
using LlmServe.Bench.Peer;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// The <c>worker</c> run in order: llama.cpp's (a) first (then unloaded, so the Worker has the cores and memory to
/// itself), the bandwidth probe, one Worker with prefix caching for (a)-(e) (llama.cpp loaded again beside it for (b)'s
/// alternating rounds only), and a second Worker without prefix caching, and without batch invariance, for (c)'s
/// baseline and (a)'s batch at full speed.
/// </summary>
internal static class WorkerBench
{
    private const string Dtype = "bfloat16";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(10);

    public static async Task<IReadOnlyList<ResultSection>> RunAsync(BenchCheckpoint checkpoint, string workerDll, string model,
        IReadOnlyList<string> workerArgs, WorkerBenchSettings s)
    {
        // One seed per stream of prompts, so both runtimes and both Worker runs see the same ids.
        ThroughputScenario.PeerFigures peerThroughput;
        Console.WriteLine($"llama.cpp (LLamaSharp, {s.Threads} threads) on {Path.GetFileName(checkpoint.GgufFile)} ...");
        using (var peer = new LlamaCppPeer(checkpoint.GgufFile, s.Threads))
        {
            await peer.GenerateAsync(new TokenPrompts(checkpoint.Spec.VocabSize, 99).Many(1, 8), 4); // warm-up
            peerThroughput = await ThroughputScenario.RunPeerAsync(peer, s, new TokenPrompts(checkpoint.Spec.VocabSize, 1));
        }

        Console.WriteLine("Memory bandwidth ...");
        var bandwidth = MemoryBandwidth.Measure(s.BandwidthBytes, 5);
        Console.WriteLine($"  read {bandwidth.ReadGBps:F1} GB/s, copy {bandwidth.CopyGBps:F1} GB/s");
        Console.WriteLine("Compute floor of (a): its GEMMs alone at libtorch's speed (bf16 or float32, the faster) ...");
        var floor = GemmFloor.Measure(checkpoint.Spec, s.Concurrency, s.PromptTokens, s.OutputTokens, s.StepTokenBudget);
        Console.WriteLine($"  prefill {floor.PrefillSeconds:F1} s + decode {floor.DecodeSeconds:F1} s, best {floor.BestGflops:F0} GFLOP/s");
        GC.Collect();

        var prefixWorkload = PrefixCacheScenario.Create(s, new TokenPrompts(checkpoint.Spec.VocabSize, 3));
        var sections = new List<ResultSection>();
        double ttftOn;
        Console.WriteLine($"Worker on {model} ({Dtype}, prefix caching on) ...");
        await using (var worker = await WorkerProcess.StartAsync(workerDll, model, Dtype, [.. workerArgs, "--enable-prefix-caching", "true"], ReadyTimeout))
        using (var client = new WorkerClient(worker.BaseAddress, worker.ServedName))
        {
            try
            {
                Console.WriteLine($"  ready in {worker.TimeToReady.TotalSeconds:F1} s");
                await client.CompleteAsync(new TokenPrompts(checkpoint.Spec.VocabSize, 99).Next(8), 4); // warm-up
                Console.WriteLine("(a) throughput");
                sections.Add(await ThroughputScenario.RunAsync(client, s, new TokenPrompts(checkpoint.Spec.VocabSize, 1), peerThroughput, floor));
                Console.WriteLine("(b) batch-1 decode, alternating with llama.cpp");
                sections.Add(await DecodeScenario.RunAsync(client, checkpoint.GgufFile, s, new TokenPrompts(checkpoint.Spec.VocabSize, 2),
                    checkpoint.WeightBytes, bandwidth));
                Console.WriteLine("(c) prefix caching on");
                ttftOn = await PrefixCacheScenario.MeasureAsync(client, prefixWorkload);
                Console.WriteLine($"  median TTFT {ttftOn * 1000:F1} ms");
                Console.WriteLine("(d) latency under Poisson arrivals");
                sections.Add(await LatencyScenario.RunAsync(client, s, new TokenPrompts(checkpoint.Spec.VocabSize, 4), seed: 4));
                Console.WriteLine("(e) memory over many requests");
                sections.Add(await MemoryScenario.RunAsync(client, worker, s, new TokenPrompts(checkpoint.Spec.VocabSize, 5)));
            }
            catch
            {
                // Still inside the using: the Worker and its log are alive, so a failed run says why.
                Console.Error.WriteLine($"The Worker's last log lines:\n{worker.RecentLog(60)}");
                throw;
            }
        }

        // (c)'s single requests take the same path either way: a prompt alone is one forward through torch's GEMM.
        Console.WriteLine("Worker again, prefix caching off, batch invariance off ...");
        await using (var worker = await WorkerProcess.StartAsync(workerDll, model, Dtype,
            [.. workerArgs, "--enable-prefix-caching", "false", "--batch-invariant", "false"], ReadyTimeout))
        using (var client = new WorkerClient(worker.BaseAddress, worker.ServedName))
        {
            await client.CompleteAsync(new TokenPrompts(checkpoint.Spec.VocabSize, 99).Next(8), 4); // warm-up
            Console.WriteLine("(a) throughput without batch invariance");
            var unpinned = await ThroughputScenario.MeasureConcurrentAsync(client, s, new TokenPrompts(checkpoint.Spec.VocabSize, 1));
            sections[0] = ThroughputScenario.WithoutBatchInvariance(sections[0], s, unpinned, peerThroughput);
            Console.WriteLine("(c) prefix caching off");
            var ttftOff = await PrefixCacheScenario.MeasureAsync(client, prefixWorkload);
            Console.WriteLine($"  median TTFT {ttftOff * 1000:F1} ms");
            sections.Insert(2, PrefixCacheScenario.Report(s, ttftOn, ttftOff));
        }
        return sections;
    }
}
