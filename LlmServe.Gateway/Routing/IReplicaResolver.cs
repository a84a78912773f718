using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>Finds the current replica addresses of a deployment.</summary>
internal interface IReplicaResolver
{
    /// <summary>The replicas' base addresses; empty when none is known right now.</summary>
    ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken);
}
