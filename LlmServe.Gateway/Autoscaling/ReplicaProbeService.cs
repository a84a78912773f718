using System.Net.Http.Json;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Probes <c>GET /load</c> on every replica of every autoscaled deployment: a 200 within the timeout means ready
/// (and gives the LLM signals); anything else, including a hang behind Aspire's proxy, means not ready.
/// </summary>
internal sealed partial class ReplicaProbeService(
    ModelRegistryProvider registry,
    ReplicaPoolResolver pool,
    ReplicaHealthTable health,
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<AutoscalerSettings> settings,
    TimeProvider time,
    ILogger<ReplicaProbeService> logger) : BackgroundService
{
    public const string HttpClientName = "llmserve-probe";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CurrentValue.ProbeIntervalS), time);
        do
        {
            try
            {
                await ProbeAllAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogProbeFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        var probes = new List<Task>();
        foreach (var deployment in registry.Current.Deployments)
        {
            if (pool.AutoscalingOf(deployment.Name) is not { } options)
            {
                continue;
            }
            foreach (var (address, index) in await pool.ResolvePoolAsync(deployment, options, cancellationToken))
            {
                var replica = health.GetOrAdd(deployment.Name, address, index);
                replica.Index = index;
                probes.Add(ProbeAsync(replica, cancellationToken));
            }
        }
        await Task.WhenAll(probes);
    }

    private async Task ProbeAsync(ReplicaHealth replica, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(settings.CurrentValue.ProbeTimeoutS), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            var load = await client.GetFromJsonAsync<LoadDto>(new Uri(replica.Address, "/load"), linked.Token);
            health.SetReady(replica, true, load is null ? null : new WorkerLoad(load.running, load.waiting, load.kv_cache_usage, load.num_blocks));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException
                                   && !cancellationToken.IsCancellationRequested)
        {
            health.SetReady(replica, false, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing replicas failed")]
    private static partial void LogProbeFailed(ILogger logger, Exception exception);

#pragma warning disable IDE1006, CA1812 // wire names of the worker's /load; instantiated by System.Text.Json
    private sealed record LoadDto(int running, int waiting, double kv_cache_usage, int num_blocks);
#pragma warning restore IDE1006, CA1812
}
