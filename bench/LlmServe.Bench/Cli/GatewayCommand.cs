using System.CommandLine;
using System.Globalization;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Scenarios;
using LlmServe.Bench.Setup;

namespace LlmServe.Bench.Cli;

/// <summary><c>gateway</c>: the gateway's added latency and peak throughput against direct calls and nginx, one run.</summary>
internal static class GatewayCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Short runs: a smoke test of the harness" };
        var output = new Option<string>("--out") { Description = "Folder for gateway.md and gateway.json", DefaultValueFactory = _ => "bench-results" };
        var summary = new Option<string?>("--summary") { Description = "Combined results file (default: OUT/results.md)" };
        var gatewayDll = new Option<string?>("--gateway-dll") { Description = "The gateway's DLL (default: this repository's Release, else Debug build)" };
        var rate = new Option<double>("--rate") { Description = "Open-loop request rate for the latency part", DefaultValueFactory = _ => 1000 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds per latency run", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds over the three targets", DefaultValueFactory = _ => 3 };
        var connections = new Option<int>("--connections") { Description = "wrk connections for the peak part", DefaultValueFactory = _ => 32 };
        var sampling = new Option<double>("--trace-sample-ratio") { Description = "The gateway's trace sampling ratio (1 = every request)", DefaultValueFactory = _ => 1 };
        var command = new Command("gateway", "Gateway vs direct vs nginx on one fixed-response backend: added latency and peak requests/s.")
        {
            quick, output, summary, gatewayDll, rate, seconds, rounds, connections, sampling,
        };
        command.SetAction(async (r, _) =>
        {
            var isQuick = r.GetValue(quick);
            var settings = new ProxyOverheadScenario.Settings(r.GetValue(rate),
                TimeSpan.FromSeconds(isQuick ? 2 : r.GetValue(seconds)), isQuick ? 1 : r.GetValue(rounds),
                TimeSpan.FromSeconds(isQuick ? 2 : 5), r.GetValue(connections), TimeSpan.FromSeconds(isQuick ? 3 : 15),
                r.GetValue(sampling));
            var sections = await ProxyOverheadScenario.RunAsync(r.GetValue(gatewayDll) ?? RepoPaths.GatewayDll(), settings);
            var values = new Dictionary<string, string>
            {
                ["rate"] = settings.Rate.ToString(CultureInfo.InvariantCulture),
                ["seconds_per_run"] = settings.LatencyDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                ["rounds"] = settings.Rounds.ToString(CultureInfo.InvariantCulture),
                ["wrk_connections"] = settings.Connections.ToString(CultureInfo.InvariantCulture),
                ["trace_sample_ratio"] = settings.TraceSampleRatio.ToString(CultureInfo.InvariantCulture),
                ["quick"] = isQuick ? "true" : "false",
            };
            var outDir = Path.GetFullPath(r.GetValue(output)!);
            new BenchReport("gateway", MachineInfo.Read(), values, sections)
                .Write(outDir, Path.GetFullPath(r.GetValue(summary) ?? Path.Combine(outDir, "results.md")));
            return 0;
        });
        return command;
    }
}
