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

    // One probe per replica at a time; a round does not wait for the slow ones.
    private readonly Dictionary<ReplicaHealth, Task> _inFlight = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CurrentValue.ProbeIntervalS), time);
        do
        {
            // Not awaited: a stopped replica's probe hangs for the whole timeout behind Aspire's proxy, and waiting
            // for it would see a replica that just became ready a timeout late (cold-start latency).
            _ = ProbeAllAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Starts a probe of every replica that has none in flight; completes when those probes do.</summary>
    internal async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(StartProbes(await PoolAsync(cancellationToken), cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            LogProbeFailed(logger, ex);
        }
    }

    private List<Task> StartProbes(IEnumerable<ReplicaHealth> pool, CancellationToken cancellationToken)
    {
        var probes = new List<Task>();
        lock (_inFlight)
        {
            foreach (var replica in pool)
            {
                if (_inFlight.TryGetValue(replica, out var running) && !running.IsCompleted)
                {
                    continue;
                }
                var probe = ProbeAsync(replica, cancellationToken);
                _inFlight[replica] = probe;
                probes.Add(probe);
            }
        }
        return probes;
    }

    private async Task<List<ReplicaHealth>> PoolAsync(CancellationToken cancellationToken)
    {
        var replicas = new List<ReplicaHealth>();
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
                replicas.Add(replica);
            }
        }
        return replicas;
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
