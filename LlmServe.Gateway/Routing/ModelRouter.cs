using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Glue between the registry, replica discovery and the routing policy: model id -> deployment -> replicas ->
/// one replica, with its in-flight count taken before the request leaves the gateway.
/// </summary>
/// <remarks>
/// Later stages (canary traffic splits, admission control) slot in between resolving the deployment and picking
/// the replica, without touching the policy or the forwarder.
/// </remarks>
internal sealed partial class ModelRouter(
    ModelRegistryProvider registry,
    IReplicaResolver resolver,
    IRoutingPolicy policy,
    ReplicaStateStore replicas,
    ILogger<ModelRouter> logger)
{
    public async ValueTask<RouteResult> RouteAsync(string model, CancellationToken cancellationToken)
    {
        var snapshot = registry.Current;
        if (!snapshot.TryResolve(model, out var served))
        {
            LogUnknownModel(logger, model);
            return RouteResult.NotFound(snapshot);
        }

        var deployment = served.Deployment;
        IReadOnlyList<Uri> addresses;
        try
        {
            addresses = await resolver.ResolveAsync(deployment, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogResolveFailed(logger, ex, deployment.Name, deployment.Upstream);
            return RouteResult.NoReplicas(snapshot, deployment);
        }

        var candidates = addresses.Select(a => replicas.GetOrAdd(deployment.Name, a)).ToArray();
        var chosen = policy.Pick(deployment, candidates);
        if (chosen is null)
        {
            LogNoReplicas(logger, deployment.Name, deployment.Upstream);
            return RouteResult.NoReplicas(snapshot, deployment);
        }

        var lease = chosen.Acquire();
        LogRouted(logger, model, deployment.Name, chosen.Id, chosen.InFlightRequests, candidates.Length);
        return RouteResult.Routed(snapshot, deployment, lease);
    }
}
