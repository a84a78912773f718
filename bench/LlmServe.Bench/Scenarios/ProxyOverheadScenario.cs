using System.Globalization;
using System.Net;
using System.Text;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Proxy;
using LlmServe.Bench.Reporting;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// Gateway overhead: the same backend process reached directly, through nginx, through the gateway and through
/// YARP's forwarder alone. Latency at a constant open-loop rate (added = proxied minus direct, per percentile) and
/// peak closed-loop throughput with wrk. Targets are interleaved round by round so drift on a shared machine hits
/// all of them alike.
/// </summary>
internal static class ProxyOverheadScenario
{
    public const string RequestBody = """{"model":"bench","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}""";

    /// <param name="TraceSampleRatio">The gateway's trace sampling (OTEL_TRACES_SAMPLER parentbased_traceidratio); 1 traces every request.</param>
    public sealed record Settings(double Rate, TimeSpan LatencyDuration, int Rounds, TimeSpan PeakDuration, int Connections, TimeSpan WarmUp,
        double TraceSampleRatio = 1);

    public static async Task<ResultSection[]> RunAsync(string gatewayDll, Settings settings)
    {
        // Production deployments sample traces at high request rates; the ratio is part of the reported settings.
        var environment = settings.TraceSampleRatio >= 1 ? null : new Dictionary<string, string>
        {
            ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio",
            ["OTEL_TRACES_SAMPLER_ARG"] = settings.TraceSampleRatio.ToString(CultureInfo.InvariantCulture),
        };
        await using var targets = await ProxyTargets.StartAsync(gatewayDll, gatewayEnvironment: environment);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ActivityHeadersPropagator = null,
            MaxConnectionsPerServer = 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        var body = Encoding.UTF8.GetBytes(RequestBody);

        // Warm-up at full speed: the .NET processes must reach tiered, profile-guided code (seconds of JIT on a
        // loaded 2-core machine) or the first rounds measure the compiler, not the proxy.
        Console.WriteLine("Warm-up ...");
        foreach (var (_, url) in targets.All)
        {
            await WrkPeak.RunAsync(url, RequestBody, settings.Connections, settings.WarmUp);
            await OpenLoopLoad.RunAsync(client, url, body, settings.Rate, TimeSpan.FromSeconds(2));
        }

        var latencies = targets.All.ToDictionary(t => t.Name, _ => new List<double>());
        var peaks = targets.All.ToDictionary(t => t.Name, _ => new List<double>());
        // CPU per request during the peak runs: a noisy neighbour slows every target's rate, but the work each does
        // per request stays put, so this is the steadier way to compare the proxies.
        var cpu = targets.All.ToDictionary(t => t.Name, _ => (Cpu: TimeSpan.Zero, Requests: 0L));
        var order = targets.All.ToArray();
        for (var round = 0; round < settings.Rounds; round++)
        {
            // Rotate the order each round so no target always runs first or last.
            foreach (var (name, url) in order.Skip(round % order.Length).Concat(order.Take(round % order.Length)))
            {
                var samples = await OpenLoopLoad.RunAsync(client, url, body, settings.Rate, settings.LatencyDuration);
                if (samples.Any(double.IsNaN))
                {
                    throw new InvalidOperationException($"{name}: {samples.Count(double.IsNaN)} requests failed.");
                }
                latencies[name].AddRange(samples);
                var before = ProcessCpu.Total(targets.Pids[name]);
                var (peak, requests) = await WrkPeak.MeasureAsync(url, RequestBody, settings.Connections, settings.PeakDuration);
                var used = ProcessCpu.Total(targets.Pids[name]) - before;
                peaks[name].Add(peak);
                cpu[name] = (cpu[name].Cpu + used, cpu[name].Requests + requests);
                Console.WriteLine($"round {round + 1} {name}: p50 {Stats.Percentile(samples, 50):F3} ms, p99 {Stats.Percentile(samples, 99):F3} ms, peak {peak:F0} req/s");
            }
        }
        var cpuPerRequest = cpu.ToDictionary(c => c.Key, c => c.Value.Cpu.TotalMicroseconds / Math.Max(1, c.Value.Requests));
        return [LatencySection(settings, latencies), PeakSection(settings, peaks, cpuPerRequest)];
    }

    private static ResultSection LatencySection(Settings settings, Dictionary<string, List<double>> latencies)
    {
        double P(string name, double p) => Stats.Percentile(latencies[name], p);
        var rows = new List<Measurement>();
        foreach (var p in new[] { 50.0, 99.0 })
        {
            var direct = P("direct", p);
            rows.Add(new($"p{p:F0} latency", "ms", P("gateway", p), P("nginx", p), Note: $"direct: {direct:F3} ms; YARP alone: {P("yarp", p):F3} ms"));
            rows.Add(new($"added p{p:F0} latency (minus direct)", "ms", P("gateway", p) - direct, P("nginx", p) - direct,
                Target: p == 50 ? "gateway <= 0.3 ms" : "gateway <= 1 ms"));
        }
        var count = latencies["direct"].Count;
        return new ResultSection(
            $"(a) Latency at {settings.Rate:F0} requests/s, open loop, {count} requests per target over {settings.Rounds} interleaved rounds",
            rows, "nginx");
    }

    private static ResultSection PeakSection(Settings settings, Dictionary<string, List<double>> peaks, Dictionary<string, double> cpuPerRequest)
    {
        var gateway = Stats.Median(peaks["gateway"]);
        var nginx = Stats.Median(peaks["nginx"]);
        var yarp = Stats.Median(peaks["yarp"]);
        return new ResultSection(
            $"(b) Peak throughput: wrk, {settings.Connections} keep-alive connections, {settings.PeakDuration.TotalSeconds:F0} s per run, median of {settings.Rounds}",
            [
                new("peak requests/s", "req/s", gateway, nginx, gateway / nginx, ">= 0.8x nginx", $"direct: {Stats.Median(peaks["direct"]):F0} req/s"),
                // The same library with nothing around it: what any gateway on YARP can reach here, at most.
                new("peak requests/s, YARP forwarder alone", "req/s", yarp, nginx, yarp / nginx, Note: "the floor under the gateway's cost"),
                new("gateway / YARP alone", "x", gateway / yarp, Note: "what the gateway's own work leaves of the library's peak"),
                // Lower is better, so the ratio is nginx's cost over ours: the share of nginx's efficiency reached.
                new("proxy CPU per request (during the peak runs)", "us", cpuPerRequest["gateway"], cpuPerRequest["nginx"],
                    cpuPerRequest["nginx"] / cpuPerRequest["gateway"],
                    Note: $"nginx/ours; YARP alone: {cpuPerRequest["yarp"]:F1} us; the backend (direct runs): {cpuPerRequest["direct"]:F1} us"),
            ],
            "nginx");
    }
}
