using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Registry;

/// <summary>A validated deployment as the router sees it.</summary>
/// <param name="Name">The deployment's model id.</param>
/// <param name="Aliases">Other model ids resolving to it.</param>
/// <param name="Upstream">Service-discovery name or static replica address.</param>
/// <param name="IsStatic">True when <paramref name="Upstream"/> is one fixed replica and bypasses discovery.</param>
/// <param name="OwnedBy">The <c>owned_by</c> value of its model entries.</param>
/// <param name="UpstreamModel">The model id the replicas expect.</param>
internal sealed record Deployment(string Name, IReadOnlyList<string> Aliases, Uri Upstream, bool IsStatic, string OwnedBy, string UpstreamModel)
{
    /// <summary>The weighted versions; empty when the deployment is the single version at <see cref="Upstream"/>.</summary>
    public IReadOnlyList<DeploymentVersion> Versions { get; init; } = [];

    /// <summary>Ray Serve style backpressure limits.</summary>
    public AdmissionLimits Admission { get; init; } = AdmissionLimits.Unlimited;

    /// <summary>The version this view routes to (null for an unversioned deployment).</summary>
    public string? Version { get; init; }

    /// <summary>A view of this deployment narrowed to one version, so resolvers and forwarders see that version's upstream.</summary>
    public Deployment ForVersion(DeploymentVersion version) =>
        this with { Upstream = version.Upstream, IsStatic = version.IsStatic, Version = version.Name };
}
