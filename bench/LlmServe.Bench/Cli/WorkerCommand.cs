using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Cli;

/// <summary><c>worker</c>: throughput, decode, prefix caching, latency and memory of the Worker next to llama.cpp.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var layout = new Option<string>("--worker-model") { Description = "hf or gguf: which layout the Worker serves", DefaultValueFactory = _ => "hf" };
        var concurrency = new Option<int?>("--concurrency") { Description = "(a) concurrent requests / llama.cpp sequences" };
        var promptTokens = new Option<int?>("--prompt-tokens") { Description = "(a) prompt length" };
        var outputTokens = new Option<int?>("--output-tokens") { Description = "(a) output tokens per request" };
        var decodeRounds = new Option<int?>("--decode-rounds") { Description = "(b) alternating rounds per runtime" };
        var prefix = new Option<int?>("--shared-prefix-tokens") { Description = "(c) shared system prompt length" };
        var rates = new Option<double[]?>("--rates") { Description = "(d) request rates, req/s", AllowMultipleArgumentsPerToken = true };
        var perRate = new Option<int?>("--requests-per-rate") { Description = "(d) requests per rate" };
        var memoryRequests = new Option<int?>("--memory-requests") { Description = "(e) measured requests" };
        var memoryWarmup = new Option<int?>("--memory-warmup") { Description = "(e) warm-up requests" };
        var maxBatchedTokens = new Option<int?>("--max-num-batched-tokens") { Description = "passed to the Worker" };

        var command = new Command("worker", "Benchmark the Worker (child process) against llama.cpp on the same random checkpoint.");
        common.AddTo(command);
        foreach (var option in new Option[] { layout, concurrency, promptTokens, outputTokens, decodeRounds, prefix, rates, perRate, memoryRequests, memoryWarmup, maxBatchedTokens })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (r, _) =>
        {
            var s = r.GetValue(common.Quick) ? WorkerBenchSettings.Quick : new WorkerBenchSettings();
            s = s with
            {
                Threads = r.GetValue(common.Threads),
                Concurrency = r.GetValue(concurrency) ?? s.Concurrency,
                PromptTokens = r.GetValue(promptTokens) ?? s.PromptTokens,
                OutputTokens = r.GetValue(outputTokens) ?? s.OutputTokens,
                DecodeRounds = r.GetValue(decodeRounds) ?? s.DecodeRounds,
                SharedPrefixTokens = r.GetValue(prefix) ?? s.SharedPrefixTokens,
                Rates = r.GetValue(rates) is { Length: > 0 } given ? given : s.Rates,
                RequestsPerRate = r.GetValue(perRate) ?? s.RequestsPerRate,
                MemoryRequests = r.GetValue(memoryRequests) ?? s.MemoryRequests,
                MemoryWarmup = r.GetValue(memoryWarmup) ?? s.MemoryWarmup,
                StepTokenBudget = r.GetValue(maxBatchedTokens) ?? s.StepTokenBudget,
            };
            var checkpoint = common.Checkpoint(r);
            var model = r.GetValue(layout) == "gguf" ? checkpoint.GgufFile : checkpoint.HfFolder;
            var extra = new List<string> { "--max-num-seqs", Math.Max(s.Concurrency, s.MemoryConcurrency).ToString(CultureInfo.InvariantCulture) };
            if (r.GetValue(maxBatchedTokens) is int budget)
            {
                extra.AddRange(["--max-num-batched-tokens", budget.ToString(CultureInfo.InvariantCulture)]);
            }
            var sections = await WorkerBench.RunAsync(checkpoint, common.WorkerDllPath(r), model, extra, s);
            var settings = new Dictionary<string, string>(s.Describe())
            {
                ["model"] = Path.GetFileName(Path.GetDirectoryName(checkpoint.GgufFile)) ?? "",
                ["worker_layout"] = r.GetValue(layout) ?? "hf",
                ["quick"] = r.GetValue(common.Quick) ? "true" : "false",
            };
            new BenchReport("worker", MachineInfo.Read(), settings, sections).Write(common.OutDir(r), common.Summary(r));
            return 0;
        });
        return command;
    }
}
