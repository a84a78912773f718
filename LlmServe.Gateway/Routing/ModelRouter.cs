using System.Collections.Concurrent;
using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Glue between the registry, replica discovery and the routing policy: model id -> deployment -> version ->
/// replicas -> one replica, with its in-flight count taken before the request leaves the gateway.
/// </summary>
internal sealed partial class ModelRouter(
    ModelRegistryProvider registry,
    IReplicaResolver resolver,
    IRoutingPolicy policy,
    ReplicaStateStore replicas,
    ILogger<ModelRouter> logger,
    TrafficWeights? weights = null,
    IRandomFactory? randomFactory = null,
    AdmissionQueues? admission = null,
    TimeProvider? time = null)
{
    /// <summary>The last replica list each deployment version resolved to, and its states.</summary>
    private readonly ConcurrentDictionary<(string Deployment, string? Version), ResolvedReplicas> _resolved = new();

    public ValueTask<RouteResult> RouteAsync(string model, CancellationToken cancellationToken) =>
        RouteAsync(new RouteRequest(model), cancellationToken);

    public async ValueTask<RouteResult> RouteAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        var model = request.Model;
        var snapshot = registry.Current;
        if (!snapshot.TryResolve(model, out var served))
        {
            LogUnknownModel(logger, model);
            return RouteResult.NotFound(snapshot);
        }

        var deployment = ChooseVersion(served.Deployment, request.StickyKey);
        var resolved = await ResolveAsync(deployment, cancellationToken);
        if (resolved is null)
        {
            return RouteResult.NoReplicas(snapshot, deployment);
        }
        var candidates = Filter(resolved, request.Exclude);

        if (deployment.Admission.IsLimited && candidates.Length > 0)
        {
            var queue = (admission ?? new AdmissionQueues(TimeProvider.System)).Get(deployment.Name);
            var (admitted, reason) = await queue.AdmitAsync(deployment, candidates, policy, request, cancellationToken);
            return admitted is null
                ? RouteResult.Rejected(snapshot, deployment, reason)
                : RouteResult.Routed(snapshot, deployment, admitted);
        }

        var chosen = policy.Pick(deployment, candidates, request);
        if (chosen is null)
        {
            LogNoReplicas(logger, deployment.Name, deployment.Upstream);
            return RouteResult.NoReplicas(snapshot, deployment);
        }

        var lease = chosen.Acquire();
        LogRouted(logger, model, deployment.Name, chosen.Id, chosen.InFlightRequests, candidates.Length);
        return RouteResult.Routed(snapshot, deployment, lease);
    }

    /// <summary>The version view of a deployment this request goes to (the deployment itself when unversioned).</summary>
    internal Deployment ChooseVersion(Deployment deployment, string? stickyKey)
    {
        if (deployment.Versions.Count == 0)
        {
            return deployment;
        }
        var effective = weights?.Effective(deployment) ?? deployment.Versions.Select(v => v.Weight).ToArray();
        var point = stickyKey is { Length: > 0 }
            ? TrafficSplit.StickyPoint(stickyKey)
            : (randomFactory ?? new RandomFactory()).CreateRandomInstance().NextDouble();
        var index = TrafficSplit.Choose(effective, point);
        // Every weight zeroed at runtime: fall back to the first version rather than refuse traffic.
        return deployment.ForVersion(deployment.Versions[Math.Max(index, 0)]);
    }

    /// <summary>Healthy, non-ejected replicas not yet tried by this request, relaxing each rule that would leave none.</summary>
    /// <remarks>Loops rather than LINQ: this runs on every request, and the common case (all available, none tried) allocates nothing.</remarks>
    private ReplicaState[] Filter(ReplicaState[] replicas, IReadOnlyCollection<ReplicaState> exclude)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var usable = 0;
        foreach (var replica in replicas)
        {
            if (replica.IsAvailable(now) && (exclude.Count == 0 || !exclude.Contains(replica)))
            {
                usable++;
            }
        }
        if (usable == replicas.Length)
        {
            return replicas;
        }
        if (usable == 0)
        {
            return exclude.Count == 0 ? replicas : [.. OutlierDetection.Available(replicas, now)];
        }
        var result = new ReplicaState[usable];
        var next = 0;
        foreach (var replica in replicas)
        {
            if (replica.IsAvailable(now) && (exclude.Count == 0 || !exclude.Contains(replica)))
            {
                result[next++] = replica;
            }
        }
        return result;
    }

    private async ValueTask<ReplicaState[]?> ResolveAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await resolver.ResolveAsync(deployment, cancellationToken);
            // Resolvers hand out the same list while the replica set is unchanged: its states are then reused as they
            // are, so routing a request allocates and looks up nothing per replica.
            var key = (deployment.Name, deployment.Version);
            if (_resolved.TryGetValue(key, out var known) && ReferenceEquals(known.Addresses, addresses))
            {
                return known.States;
            }
            var states = new ReplicaState[addresses.Count];
            for (var i = 0; i < states.Length; i++)
            {
                states[i] = replicas.GetOrAdd(deployment.Name, addresses[i]);
            }
            _resolved[key] = new ResolvedReplicas(addresses, states);
            return states;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogResolveFailed(logger, ex, deployment.Name, deployment.Upstream);
            return null;
        }
    }

    private sealed record ResolvedReplicas(IReadOnlyList<Uri> Addresses, ReplicaState[] States);
}
