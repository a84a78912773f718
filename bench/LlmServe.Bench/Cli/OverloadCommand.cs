using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Cli;

/// <summary><c>overload</c>: the gateway in front of a real Worker, offered 10x its admission capacity for a minute.</summary>
internal static class OverloadCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "10 s instead of 60 s" };
        var output = new Option<string>("--out") { Description = "Folder for overload.md and overload.json", DefaultValueFactory = _ => "bench-results" };
        var summary = new Option<string?>("--summary") { Description = "Combined results file (default: OUT/results.md)" };
        var gatewayDll = new Option<string?>("--gateway-dll") { Description = "The gateway's DLL (default: this repository's Release, else Debug build)" };
        var workerDll = new Option<string?>("--worker-dll") { Description = "The Worker's DLL (default: this repository's Release, else Debug build)" };
        var model = new Option<string?>("--model") { Description = "Model file (default: the shared TinyStories 260K GGUF beside the repository)" };
        var seconds = new Option<int>("--seconds") { Description = "Length of the overload", DefaultValueFactory = _ => 60 };
        var factor = new Option<double>("--factor") { Description = "Offered rate as a multiple of capacity", DefaultValueFactory = _ => 10 };
        var command = new Command("overload", "10x capacity for 60 s through the gateway: no crash, bounded queue, 429/503 with Retry-After, memory back to baseline.")
        {
            quick, output, summary, gatewayDll, workerDll, model, seconds, factor,
        };
        command.SetAction(async (r, _) =>
        {
            var duration = TimeSpan.FromSeconds(r.GetValue(quick) ? 10 : r.GetValue(seconds));
            var modelFile = r.GetValue(model) ?? RepoPaths.SharedModel("stories260K.gguf");
            var section = await OverloadScenario.RunAsync(r.GetValue(workerDll) ?? RepoPaths.WorkerDll(), r.GetValue(gatewayDll) ?? RepoPaths.GatewayDll(),
                modelFile, duration, r.GetValue(factor));
            var values = new Dictionary<string, string>
            {
                ["model"] = Path.GetFileName(modelFile),
                ["seconds"] = duration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                ["factor"] = r.GetValue(factor).ToString(CultureInfo.InvariantCulture),
            };
            var outDir = Path.GetFullPath(r.GetValue(output)!);
            new BenchReport("overload", MachineInfo.Read(), values, [section])
                .Write(outDir, Path.GetFullPath(r.GetValue(summary) ?? Path.Combine(outDir, "results.md")));
            return 0;
        });
        return command;
    }
}
