using LlmServe.Gateway.Registry;
using Microsoft.Extensions.ServiceDiscovery;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Resolves every endpoint of a deployment's service through Microsoft.Extensions.ServiceDiscovery (Aspire's
/// <c>services__name__http__N</c> variables, DNS, ...), so each worker replica is routed to individually instead
/// of through whatever single address the HttpClient integration would pick. Static upstreams skip the resolver.
/// </summary>
internal sealed class ServiceDiscoveryReplicaResolver(ServiceEndpointResolver resolver) : IReplicaResolver
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        if (deployment.IsStatic)
        {
            return [deployment.Upstream];
        }

        // The resolver caches a watcher per service name and refreshes it in the background, so this is cheap per request.
        var source = await resolver.GetEndpointsAsync(deployment.Upstream.OriginalString, cancellationToken);
        return source.Endpoints
            .Select(e => UpstreamAddress.ToReplicaUri(deployment.Upstream, e.EndPoint))
            .Distinct()
            .ToArray();
    }
}
