using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;

namespace LlmServe.Bench.Cli;

/// <summary><c>load-time</c>: the Worker's model load (HF folder and GGUF) against llama.cpp's, same checkpoint, one run.</summary>
internal static class LoadTimeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var repetitions = new Option<int>("--repetitions") { Description = "loads per runtime and layout (median reported)", DefaultValueFactory = _ => 3 };
        var command = new Command("load-time", "Model load time: the Worker (HF folder, GGUF) vs llama.cpp (GGUF).");
        common.AddTo(command);
        command.Options.Add(repetitions);
        command.SetAction(async (r, _) =>
        {
            var checkpoint = common.Checkpoint(r);
            var reps = r.GetValue(common.Quick) ? 2 : r.GetValue(repetitions);
            Console.WriteLine($"Load time, {reps} repetitions ...");
            var section = await LoadTimeScenario.RunAsync(checkpoint, common.WorkerDllPath(r), reps, r.GetValue(common.Threads));
            var settings = new Dictionary<string, string>
            {
                ["model"] = Path.GetFileName(Path.GetDirectoryName(checkpoint.GgufFile)) ?? "",
                ["repetitions"] = reps.ToString(CultureInfo.InvariantCulture),
                ["weight_bytes"] = checkpoint.WeightBytes.ToString(CultureInfo.InvariantCulture),
            };
            new BenchReport("load-time", MachineInfo.Read(), settings, [section]).Write(common.OutDir(r), common.Summary(r));
            return 0;
        });
        return command;
    }
}
