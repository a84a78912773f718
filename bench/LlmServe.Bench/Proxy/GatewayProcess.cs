using System.Text.Json;

namespace LlmServe.Bench.Proxy;

/// <summary>The gateway as deployed standalone: its own process, <c>--config FILE</c>, production environment, warnings-only logs.</summary>
internal static class GatewayProcess
{
    /// <summary>Starts a gateway with one deployment <paramref name="name"/> on <paramref name="upstream"/>, plus extra deployment keys.</summary>
    public static Task<ServiceProcess> StartAsync(string dll, int port, string name, Uri upstream, IReadOnlyDictionary<string, object>? settings = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var config = Path.Combine(Path.GetTempPath(), $"llmserve-bench-gateway-{port}.json");
        var deployment = new Dictionary<string, object> { ["Name"] = name, ["Upstream"] = upstream.ToString() };
        foreach (var (key, value) in settings ?? new Dictionary<string, object>())
        {
            deployment[key] = value;
        }
        File.WriteAllText(config, JsonSerializer.Serialize(new { Gateway = new { Deployments = new[] { deployment } } }));
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }
        return ServiceProcess.StartAsync("dotnet", [dll, "--config", config, "--urls", $"http://127.0.0.1:{port}"],
            new Uri($"http://127.0.0.1:{port}/v1/models"), variables);
    }
}
