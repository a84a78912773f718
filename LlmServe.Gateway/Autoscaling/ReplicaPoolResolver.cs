using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Wraps the discovery resolver for autoscaled deployments: resolves the whole replica pool, hands the router only
/// replicas the probe saw ready and that are not draining, and holds requests while none is (scale from zero).
/// Deployments without autoscaling pass straight through.
/// </summary>
internal sealed class ReplicaPoolResolver(
    IReplicaResolver inner,
    ReplicaHealthTable health,
    IOptionsMonitor<GatewayOptions> gateway,
    IOptionsMonitor<AutoscalerSettings> settings,
    TimeProvider time) : IReplicaResolver
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var options = AutoscalingOf(deployment.Name);
        if (options is null)
        {
            return await inner.ResolveAsync(deployment, cancellationToken);
        }

        var routable = await RoutableAsync(deployment, options, cancellationToken);
        if (routable.Count > 0)
        {
            return routable;
        }

        var s = settings.CurrentValue;
        if (!health.TryHold(deployment.Name, s.MaxHeldRequests))
        {
            return [];
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(s.HoldTimeoutS), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            while (true)
            {
                var changed = health.WaitForChangeAsync(linked.Token);
                routable = await RoutableAsync(deployment, options, cancellationToken);
                if (routable.Count > 0)
                {
                    return routable;
                }
                try
                {
                    await changed;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return [];
                }
            }
        }
        finally
        {
            health.Release(deployment.Name);
        }
    }

    /// <summary>
    /// The same replicas without holding: for background callers such as health checks, which must not wait like a
    /// request nor count as demand (a held caller would wake a pool scaled to zero).
    /// </summary>
    public IReplicaResolver WithoutHold => new NonHoldingResolver(this);

    /// <summary>Every replica of the pool (ready or not), with its slot index, for the probe.</summary>
    public async Task<IReadOnlyList<(Uri Address, int Index)>> ResolvePoolAsync(
        Deployment deployment, AutoscalingOptions options, CancellationToken cancellationToken)
    {
        var pool = new List<(Uri, int)>();
        var main = await inner.ResolveAsync(deployment, cancellationToken);
        pool.AddRange(main.Order().Select((a, i) => (a, i)));
        for (var i = 0; i < options.ReplicaUpstreams.Length; i++)
        {
            if (!UpstreamAddress.TryParse(options.ReplicaUpstreams[i], out var upstream))
            {
                continue;
            }
            var replica = deployment with { Upstream = upstream, IsStatic = UpstreamAddress.IsStatic(upstream) };
            var addresses = await inner.ResolveAsync(replica, cancellationToken);
            pool.AddRange(addresses.Select(a => (a, main.Count + i)));
        }
        return pool;
    }

    public AutoscalingOptions? AutoscalingOf(string deployment) =>
        gateway.CurrentValue.Deployments.FirstOrDefault(d => d.Name == deployment)?.Autoscaling is { Enabled: true } a ? a : null;

    private sealed class NonHoldingResolver(ReplicaPoolResolver pool) : IReplicaResolver
    {
        public ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken) =>
            pool.ResolveWithoutHoldAsync(deployment, cancellationToken);
    }

    private async ValueTask<IReadOnlyList<Uri>> ResolveWithoutHoldAsync(Deployment deployment, CancellationToken cancellationToken) =>
        AutoscalingOf(deployment.Name) is { } options
            ? await RoutableAsync(deployment, options, cancellationToken)
            : await inner.ResolveAsync(deployment, cancellationToken);

    private async Task<IReadOnlyList<Uri>> RoutableAsync(Deployment deployment, AutoscalingOptions options, CancellationToken ct)
    {
        var pool = await ResolvePoolAsync(deployment, options, ct);
        return pool.Where(p => health.IsKnown(deployment.Name, p.Address) && health.GetOrAdd(deployment.Name, p.Address, p.Index).Routable)
            .Select(p => p.Address)
            .ToArray();
    }
}
