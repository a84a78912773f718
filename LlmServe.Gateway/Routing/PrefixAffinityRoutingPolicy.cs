using System.Collections.Concurrent;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Sends a request to the replica that last served the longest matching prompt prefix, so the worker can reuse its
/// KV cache, unless that replica is more than <see cref="RoutingOptions.ImbalanceThreshold"/> requests busier than
/// the least loaded one; otherwise (and for requests without a known prefix) power of two choices decides.
/// </summary>
/// <remarks>
/// The prefix table maps prefix hashes to a replica address and is bounded: when full it is cleared, which costs
/// only cache affinity, never correctness.
/// </remarks>
internal sealed class PrefixAffinityRoutingPolicy(PowerOfTwoChoicesRoutingPolicy fallback, IOptionsMonitor<GatewayOptions> options) : IRoutingPolicy
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string Deployment, int Hash), Uri> _owners = new();

    /// <inheritdoc/>
    public string Name => RoutingPolicies.PrefixAffinity;

    /// <inheritdoc/>
    public ReplicaState? Pick(Deployment deployment, IReadOnlyList<ReplicaState> replicas) => fallback.Pick(deployment, replicas);

    /// <inheritdoc/>
    public ReplicaState? Pick(Deployment deployment, IReadOnlyList<ReplicaState> replicas, RouteRequest request)
    {
        if (replicas.Count == 0)
        {
            return null;
        }
        var hashes = request.PrefixHashes;
        var chosen = Preferred(deployment, replicas, hashes) is { } preferred
            && PrefixAffinity.WithinImbalance(preferred, replicas, options.CurrentValue.Routing.ImbalanceThreshold)
            ? preferred
            : fallback.Pick(deployment, replicas);
        if (chosen is not null && hashes.Count > 0)
        {
            if (_owners.Count + hashes.Count > MaxEntries)
            {
                _owners.Clear();
            }
            foreach (var hash in hashes)
            {
                _owners[(deployment.Name, hash)] = chosen.Address;
            }
        }
        return chosen;
    }

    /// <summary>The candidate owning the longest prefix this request shares with an earlier one.</summary>
    private ReplicaState? Preferred(Deployment deployment, IReadOnlyList<ReplicaState> replicas, IReadOnlyList<int> hashes)
    {
        for (var i = hashes.Count - 1; i >= 0; i--)
        {
            if (_owners.TryGetValue((deployment.Name, hashes[i]), out var owner)
                && replicas.FirstOrDefault(r => r.Address == owner) is { } replica)
            {
                return replica;
            }
        }
        return null;
    }
}
