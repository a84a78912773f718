using LlmServe.ServiceDefaults;
using LlmServe.ServiceDefaults.Memory;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every LlmServe service shares: OpenTelemetry, health endpoints, service discovery
/// and HTTP resilience that is safe for long LLM streams.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds OpenTelemetry, health checks, service discovery and stream-safe HTTP resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddOpenAiErrors();
        builder.AddIdleMemoryTrim();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddLlmStreamingResilience();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Traces, metrics and logs over OTLP (when an endpoint is configured) plus a Prometheus scrape endpoint.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The retry handler logs every attempt at Information; only its warnings are worth a log line.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryNames.AllMeters)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryNames.AllSources)
                .AddAspNetCoreInstrumentation(o =>
                    // Probes and scrapes would drown the traces that matter.
                    o.Filter = ctx => !TelemetryNames.IsProbePath(ctx.Request.Path))
                // HttpClient's own source (since .NET 9) emits client spans with the semantic-convention attributes
                // and propagates the context; the instrumentation package's diagnostic listener on top of it only
                // re-read every request and response, a measurable cost on the gateway's forwarding path.
                .AddSource(TelemetryNames.HttpClientSource));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>A liveness check tagged "live"; services add readiness checks of their own.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks: ready), <c>/alive</c> (liveness only) and <c>/metrics</c> (Prometheus), and
    /// counts requests for the idle memory trimmer (middleware runs before any endpoint, whatever the call order).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, string prometheusPath = "/metrics")
    {
        app.UseRequestActivity();
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapPrometheusScrapingEndpoint(prometheusPath);
        return app;
    }
}
