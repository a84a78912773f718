using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>Chooses the replica of a deployment that serves the next request.</summary>
internal interface IRoutingPolicy
{
    /// <summary>The policy's name, one of <see cref="RoutingPolicies"/>.</summary>
    string Name { get; }

    /// <summary>Picks one of <paramref name="replicas"/>, or null when the list is empty. Must not block.</summary>
    ReplicaState? Pick(Deployment deployment, IReadOnlyList<ReplicaState> replicas);

    /// <summary>Picks with the request's routing hints (prefix hashes); policies that need none ignore them.</summary>
    ReplicaState? Pick(Deployment deployment, IReadOnlyList<ReplicaState> replicas, RouteRequest request) => Pick(deployment, replicas);
}
