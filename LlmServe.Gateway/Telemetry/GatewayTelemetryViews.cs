using OpenTelemetry.Metrics;

namespace LlmServe.Gateway.Telemetry;

/// <summary>
/// Drops the framework instruments that fire several times per proxied request yet say nothing the gateway's own
/// metrics do not: each measurement costs a tag lookup and an aggregation on the hot path, together ~4% of the
/// gateway's CPU at tens of thousands of requests per second (see bench/README.md).
/// </summary>
internal static class GatewayTelemetryViews
{
    /// <summary>
    /// The upstream calls are measured per deployment and replica by <c>llmserve_gateway_*</c> (count, duration,
    /// ongoing, time to first byte), which also name the replica; HttpClient's request-level instruments would
    /// repeat them per upstream address. Kestrel's buffer-pool counters fire on every block rented, and routing's
    /// match counter on every request whose route <c>http.server.request.duration</c> already names.
    /// Connection-level instruments (opened, closed, their durations) stay: they fire once per connection.
    /// </summary>
    public static readonly string[] Dropped =
    [
        "http.client.request.duration",
        "http.client.request.time_in_queue",
        "http.client.active_requests",
        "http.client.open_connections",
        "aspnetcore.memory_pool.*",
        "aspnetcore.routing.match_attempts",
    ];

    public static IServiceCollection AddGatewayTelemetryViews(this IServiceCollection services) =>
        services.ConfigureOpenTelemetryMeterProvider(metrics =>
        {
            foreach (var name in Dropped)
            {
                metrics.AddView(name, MetricStreamConfiguration.Drop);
            }
        });
}
