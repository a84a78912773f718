using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.IntegrationTests.Autoscaling;

/// <summary>
/// The AppHost with the stories260k deployment autoscaled between 0 and 2 replicas on short Ray Serve delays, booted
/// once for the collection. Only the gateway and the replica pool run (<c>ModelsOnly</c>): rag and agents are left out
/// so that nothing but the tests sends requests (rag's and agents' calls would wake the pool from zero on their own).
/// </summary>
public sealed class AutoscaledAppHostFixture : IAsyncLifetime
{
    public const string Deployment = "stories260k";
    public const string Replica0 = "worker-stories260k";
    public const string Replica1 = "worker-stories260k-1";
    public const double UpscaleDelayS = 1;
    public const double DownscaleDelayS = 3;
    public const double DownscaleToZeroDelayS = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async ValueTask InitializeAsync()
    {
        const string autoscaling = "--LlmServe:Deployments:0:Autoscaling:";
        string[] args =
        [
            "--LlmServe:ModelsOnly=true",
            autoscaling + "MinReplicas=0",
            autoscaling + "MaxReplicas=2",
            autoscaling + "TargetOngoingRequests=2",
            autoscaling + "LookBackPeriodS=1",
            autoscaling + "UpscaleDelayS=" + UpscaleDelayS.ToString(CultureInfo.InvariantCulture),
            autoscaling + "DownscaleDelayS=" + DownscaleDelayS.ToString(CultureInfo.InvariantCulture),
            autoscaling + "DownscaleToZeroDelayS=" + DownscaleToZeroDelayS.ToString(CultureInfo.InvariantCulture),
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(args);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
    }

    public HttpClient CreateGatewayClient() => App.CreateHttpClient("gateway", "http");

    /// <summary>The replica resource's state as the AppHost (and its dashboard) shows it.</summary>
    public string? ResourceState(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.State?.Text : null;

    /// <summary>The stories260k entry of the gateway's <c>GET /admin/autoscaler</c>.</summary>
    public static async Task<JsonElement> ScalingStatusAsync(HttpClient gateway, CancellationToken cancellationToken)
    {
        var report = await gateway.GetFromJsonAsync<JsonElement>("/admin/autoscaler", cancellationToken);
        return report.GetProperty("deployments").EnumerateArray().Single(d => d.GetProperty("deployment").GetString() == Deployment);
    }

    /// <summary>One of the gateway's autoscaler gauges for stories260k, read from its Prometheus endpoint.</summary>
    public static async Task<double> GaugeAsync(HttpClient gateway, string metric, CancellationToken cancellationToken)
    {
        var text = await gateway.GetStringAsync("/metrics", cancellationToken);
        var line = text.Split('\n').First(l => l.StartsWith(metric + "{", StringComparison.Ordinal)
            && l.Contains($"deployment=\"{Deployment}\"", StringComparison.Ordinal));
        // name{labels} value [timestamp]
        return double.Parse(line[(line.LastIndexOf('}') + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Runs alone: a second AppHost booting beside it would skew the delays it observes on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AutoscaledAppHostCollection : ICollectionFixture<AutoscaledAppHostFixture>
{
    public const string Name = "autoscaled-apphost";
}
