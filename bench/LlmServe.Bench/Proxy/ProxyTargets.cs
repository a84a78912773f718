using System.Globalization;

namespace LlmServe.Bench.Proxy;

/// <summary>
/// The ways to reach one fixed-response backend process: directly, through nginx, through the gateway (its own
/// process, started the standalone way with <c>--config</c>) and through YARP's forwarder alone (the floor under the
/// gateway: the same library with nothing around it).
/// </summary>
internal sealed class ProxyTargets : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];

    public required Uri Direct { get; init; }
    public required Uri Nginx { get; init; }
    public required Uri Gateway { get; init; }
    public required Uri Forwarder { get; init; }
    public required int GatewayPid { get; init; }

    /// <summary>The process that does each target's work: the backend for <c>direct</c>, nginx's master (its workers are its children).</summary>
    public required IReadOnlyDictionary<string, int> Pids { get; init; }

    public IEnumerable<(string Name, Uri Url)> All => [("direct", Direct), ("nginx", Nginx), ("gateway", Gateway), ("yarp", Forwarder)];

    public static async Task<ProxyTargets> StartAsync(string gatewayDll, IReadOnlyDictionary<string, object>? gatewaySettings = null,
        IReadOnlyDictionary<string, string>? gatewayEnvironment = null)
    {
        var processes = new List<ServiceProcess>();
        try
        {
            var backendPort = ServiceProcess.FreePort();
            var backend = new Uri($"http://127.0.0.1:{backendPort}/");
            processes.Add(await ServiceProcess.StartAsync("dotnet",
                [typeof(ProxyTargets).Assembly.Location, "fixed-backend", "--port", backendPort.ToString(CultureInfo.InvariantCulture)],
                new Uri(backend, "health")));

            var nginxPort = ServiceProcess.FreePort();
            processes.Add(await NginxProxy.StartAsync(nginxPort, backend));

            var gatewayPort = ServiceProcess.FreePort();
            var gateway = await GatewayProcess.StartAsync(gatewayDll, gatewayPort, FixedBackend.ModelName, backend, gatewaySettings, gatewayEnvironment);
            processes.Add(gateway);

            var forwarderPort = ServiceProcess.FreePort();
            processes.Add(await ServiceProcess.StartAsync("dotnet",
                [typeof(ProxyTargets).Assembly.Location, "bare-forwarder", "--port", forwarderPort.ToString(CultureInfo.InvariantCulture), "--upstream", backend.ToString()],
                new Uri($"http://127.0.0.1:{forwarderPort}/health")));

            var targets = new ProxyTargets
            {
                Direct = new Uri(backend, "v1/chat/completions"),
                Nginx = new Uri($"http://127.0.0.1:{nginxPort}/v1/chat/completions"),
                Gateway = new Uri($"http://127.0.0.1:{gatewayPort}/v1/chat/completions"),
                Forwarder = new Uri($"http://127.0.0.1:{forwarderPort}/v1/chat/completions"),
                GatewayPid = gateway.Pid,
                Pids = new Dictionary<string, int>
                {
                    ["direct"] = processes[0].Pid, ["nginx"] = processes[1].Pid, ["gateway"] = gateway.Pid, ["yarp"] = processes[3].Pid,
                },
            };
            targets._processes.AddRange(processes);
            return targets;
        }
        catch
        {
            foreach (var p in processes)
            {
                await p.DisposeAsync();
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            await p.DisposeAsync();
        }
    }
}
