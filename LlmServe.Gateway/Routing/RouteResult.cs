using System.Diagnostics.CodeAnalysis;
using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>The outcome of routing one request. A routed result holds a lease the caller must dispose.</summary>
internal sealed record RouteResult(RouteStatus Status, ModelRegistry Registry, Deployment? Deployment, ReplicaLease? Lease)
{
    [MemberNotNullWhen(true, nameof(Deployment), nameof(Lease))]
    public bool IsRouted => Lease is not null && Deployment is not null;

    public static RouteResult NotFound(ModelRegistry registry) => new(RouteStatus.ModelNotFound, registry, null, null);

    public static RouteResult NoReplicas(ModelRegistry registry, Deployment deployment) =>
        new(RouteStatus.NoReplicas, registry, deployment, null);

    /// <summary>Why admission rejected the request (only for <see cref="RouteStatus.Rejected"/>).</summary>
    public RejectReason RejectReason { get; init; }

    public static RouteResult Rejected(ModelRegistry registry, Deployment deployment, RejectReason reason) =>
        new(RouteStatus.Rejected, registry, deployment, null) { RejectReason = reason };

    public static RouteResult Routed(ModelRegistry registry, Deployment deployment, ReplicaLease lease) =>
        new(RouteStatus.Routed, registry, deployment, lease);
}
