using LlmServe.Gateway.Forwarding;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Active health checks: every <see cref="ResilienceOptions.HealthCheckInterval"/> each replica of each deployment
/// (and version) is probed at <see cref="ResilienceOptions.HealthCheckPath"/>; a replica that fails a probe gets no
/// new requests until a later probe succeeds. Probes run in parallel, each bounded by its own timeout, so one hung
/// replica cannot delay the others' checks.
/// </summary>
internal sealed partial class ReplicaHealthChecker(
    ModelRegistryProvider registry,
    IReplicaResolver resolver,
    ReplicaStateStore replicas,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ILogger<ReplicaHealthChecker> logger) : BackgroundService
{
    private readonly HttpClient _client = new(UpstreamHttpHandler.Create(), disposeHandler: true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = options.CurrentValue.Resilience.HealthCheckInterval;
            if (interval is { } period && period > TimeSpan.Zero)
            {
                await ProbeAllAsync(stoppingToken);
            }
            await Task.Delay(interval is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(5), time, stoppingToken);
        }
    }

    /// <summary>Probes every known replica once and records the result on its <see cref="ReplicaState"/>.</summary>
    public async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        var views = registry.Current.Deployments
            .SelectMany(d => d.Versions.Count == 0 ? [d] : d.Versions.Select(d.ForVersion));
        var probes = new List<Task>();
        foreach (var view in views)
        {
            IReadOnlyList<Uri> addresses;
            try
            {
                addresses = await resolver.ResolveAsync(view, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogResolveFailed(logger, ex, view.Name);
                continue;
            }
            probes.AddRange(addresses.Select(a => ProbeAsync(replicas.GetOrAdd(view.Name, a), cancellationToken)));
        }
        await Task.WhenAll(probes);
    }

    private async Task ProbeAsync(ReplicaState replica, CancellationToken cancellationToken)
    {
        var resilience = options.CurrentValue.Resilience;
        using var timeout = new CancellationTokenSource(resilience.HealthCheckTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        bool healthy;
        try
        {
            using var response = await _client.GetAsync(replica.DestinationPrefix + resilience.HealthCheckPath, linked.Token);
            healthy = response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            healthy = false;
        }
        if (replica.ProbeHealthy != healthy)
        {
            LogHealthChanged(logger, replica.Deployment, replica.Id, healthy);
        }
        replica.ProbeHealthy = healthy;
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check could not resolve deployment '{Deployment}'")]
    private static partial void LogResolveFailed(ILogger logger, Exception exception, string deployment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment '{Deployment}' replica {Replica} healthy: {Healthy}")]
    private static partial void LogHealthChanged(ILogger logger, string deployment, string replica, bool healthy);
}
