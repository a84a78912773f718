using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;
using LlmServe.Bench.Serving;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Cli;

/// <summary><c>constrained</c>: time per token of JSON-schema constrained decoding against unconstrained, same batch.</summary>
internal static class ConstrainedCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent requests (the batch)", DefaultValueFactory = _ => 16 };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Prompt length", DefaultValueFactory = _ => 32 };
        var outputTokens = new Option<int>("--output-tokens") { Description = "Output tokens per request", DefaultValueFactory = _ => 48 };
        var rounds = new Option<int>("--rounds") { Description = "Alternating rounds of each kind", DefaultValueFactory = _ => 3 };
        var command = new Command("constrained", "Benchmark constrained decoding (structured outputs) against unconstrained decoding on the Worker.");
        common.AddTo(command);
        foreach (var option in new Option[] { concurrency, promptTokens, outputTokens, rounds })
        {
            command.Options.Add(option);
        }
        command.SetAction(async (r, _) =>
        {
            var checkpoint = common.Checkpoint(r);
            var n = r.GetValue(concurrency);
            Console.WriteLine($"Worker on {checkpoint.HfFolder} (bfloat16) ...");
            await using var worker = await WorkerProcess.StartAsync(common.WorkerDllPath(r), checkpoint.HfFolder, "bfloat16",
                ["--max-num-seqs", n.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10));
            using var client = new WorkerClient(worker.BaseAddress, worker.ServedName);
            await client.CompleteAsync(new TokenPrompts(checkpoint.Spec.VocabSize, 99).Next(8), 4); // warm-up
            var section = await ConstrainedScenario.RunAsync(client, worker.Pid, n, r.GetValue(promptTokens), r.GetValue(outputTokens), r.GetValue(rounds),
                new TokenPrompts(checkpoint.Spec.VocabSize, 6));
            var settings = new Dictionary<string, string>
            {
                ["model"] = Path.GetFileName(Path.GetDirectoryName(checkpoint.GgufFile)) ?? "",
                ["concurrency"] = n.ToString(CultureInfo.InvariantCulture),
                ["quick"] = r.GetValue(common.Quick) ? "true" : "false",
                ["command"] = "LlmServe.Bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            new BenchReport("constrained", MachineInfo.Read(), settings, [section]).Write(common.OutDir(r), common.Summary(r));
            return 0;
        });
        return command;
    }
}
