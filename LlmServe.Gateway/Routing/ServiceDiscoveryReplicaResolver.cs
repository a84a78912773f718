using System.Runtime.CompilerServices;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.ServiceDiscovery;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Resolves every endpoint of a deployment's service through Microsoft.Extensions.ServiceDiscovery (Aspire's
/// <c>services__name__http__N</c> variables, DNS, ...), so each worker replica is routed to individually instead
/// of through whatever single address the HttpClient integration would pick. Static upstreams skip the resolver.
/// </summary>
/// <remarks>
/// Answers with the same list instance while nothing changed (per static address, and per endpoint set the resolver
/// returns), which lets the router reuse its replica states instead of rebuilding them on every request.
/// </remarks>
internal sealed class ServiceDiscoveryReplicaResolver(ServiceEndpointResolver resolver) : IReplicaResolver
{
    private readonly ConditionalWeakTable<Uri, Uri[]> _static = new();
    private readonly ConditionalWeakTable<ServiceEndpointSource, Resolved> _discovered = new();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var upstream = deployment.Upstream;
        if (deployment.IsStatic)
        {
            return _static.GetValue(upstream, static u => [u]);
        }

        // The resolver caches a watcher per service name and refreshes it in the background, handing out the same
        // source until the endpoints change.
        var source = await resolver.GetEndpointsAsync(upstream.OriginalString, cancellationToken);
        if (_discovered.TryGetValue(source, out var known) && known.Upstream == upstream)
        {
            return known.Replicas;
        }
        var replicas = source.Endpoints
            .Select(e => UpstreamAddress.ToReplicaUri(upstream, e.EndPoint))
            .Distinct()
            .ToArray();
        _discovered.AddOrUpdate(source, new Resolved(upstream, replicas));
        return replicas;
    }

    private sealed record Resolved(Uri Upstream, Uri[] Replicas);
}
