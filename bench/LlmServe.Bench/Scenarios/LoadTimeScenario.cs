using System.Diagnostics;
using LLama;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Peer;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// Model load time, median of several repetitions: the Worker on the HF folder and on the GGUF (its own logged
/// ModelHost load time, and process start to ready), against llama.cpp loading the same GGUF in-process.
/// </summary>
/// <remarks>Every file was just written or read, so all three load from the page cache: this compares parsing and conversion, not disk speed.</remarks>
internal static class LoadTimeScenario
{
    public static async Task<ResultSection> RunAsync(BenchCheckpoint checkpoint, string workerDll, int repetitions, int threads)
    {
        var hf = await MeasureWorkerAsync(workerDll, checkpoint.HfFolder, "HF folder", repetitions);
        var gguf = await MeasureWorkerAsync(workerDll, checkpoint.GgufFile, "GGUF", repetitions);

        var weights = new List<double>();
        var withContext = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            var parameters = LlamaCppPeer.Parameters(checkpoint.GgufFile, threads, 1, 2048);
            var started = Stopwatch.GetTimestamp();
            using var model = LLamaWeights.LoadFromFile(parameters);
            weights.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            using var context = model.CreateContext(parameters);
            withContext.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Console.WriteLine($"  llama.cpp GGUF: weights {weights[^1]:F0} ms, + context {withContext[^1]:F0} ms");
        }
        var peer = Stats.Median(weights);
        return new ResultSection($"Load time, bf16, median of {repetitions}",
        [
            new("Worker load (logged), HF folder", "ms", hf.Logged, peer, hf.Logged / peer, Note: "ratio: ours / llama.cpp weights load; lower is better"),
            new("Worker load (logged), GGUF", "ms", gguf.Logged, peer, gguf.Logged / peer),
            new("Worker process start to ready, HF folder", "ms", hf.Ready, Stats.Median(withContext), Note: "peer: weights + context, in-process"),
            new("Worker process start to ready, GGUF", "ms", gguf.Ready, Stats.Median(withContext)),
        ]);
    }

    private static async Task<(double Logged, double Ready)> MeasureWorkerAsync(string workerDll, string model, string label, int repetitions)
    {
        var logged = new List<double>();
        var ready = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            await using var worker = await WorkerProcess.StartAsync(workerDll, model, "bfloat16", [], TimeSpan.FromMinutes(10));
            ready.Add(worker.TimeToReady.TotalMilliseconds);
            logged.Add(worker.LoggedLoadMs ?? double.NaN);
            Console.WriteLine($"  Worker {label}: loaded in {logged[^1]:F0} ms (logged), ready after {ready[^1]:F0} ms");
        }
        return (Stats.Median(logged), Stats.Median(ready));
    }
}
