using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmServe.Agents.Mcp;

/// <summary>
/// Degraded while an MCP server is down: the agents that do not use it still work, so the service stays ready,
/// but <c>/health</c> names the server and why it failed.
/// </summary>
internal sealed class McpHealthCheck(McpServerConnections connections) : IHealthCheck
{
    public const string Name = "mcp";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = connections.Failures;
        return Task.FromResult(failures.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"MCP servers unavailable: {string.Join("; ", failures.Select(f => $"{f.Key}: {f.Value}"))}",
                data: failures.ToDictionary(f => f.Key, object (f) => f.Value)));
    }
}
