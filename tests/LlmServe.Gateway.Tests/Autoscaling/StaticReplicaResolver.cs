using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Tests.Autoscaling;

/// <summary>Resolves every upstream to itself: one replica per configured address, no discovery.</summary>
internal sealed class StaticReplicaResolver : IReplicaResolver
{
    public ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<Uri>>([deployment.Upstream]);
}
