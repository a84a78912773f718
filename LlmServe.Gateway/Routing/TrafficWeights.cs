using System.Collections.Concurrent;
using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Version weights set at runtime (admin API). They apply on top of the configuration snapshot they were set
/// against; a configuration reload produces a new snapshot and so starts again from the configured weights.
/// </summary>
internal sealed class TrafficWeights(ModelRegistryProvider registry)
{
    private readonly Lock _writeGate = new();
    private volatile Overrides _overrides = new(ModelRegistry.Empty);

    /// <summary>The weights in effect for <paramref name="deployment"/>'s versions, in version order.</summary>
    public double[] Effective(Deployment deployment)
    {
        var overrides = _overrides;
        var active = ReferenceEquals(overrides.Snapshot, registry.Current) ? overrides.Weights : null;
        return deployment.Versions
            .Select(v => active is not null && active.TryGetValue((deployment.Name, v.Name), out var w) ? w : v.Weight)
            .ToArray();
    }

    /// <summary>Replaces some versions' weights; requests already routed keep their version, new ones see the new split.</summary>
    public void Set(string deployment, IReadOnlyDictionary<string, double> weights)
    {
        lock (_writeGate)
        {
            Replace(deployment, weights);
        }
    }

    private void Replace(string deployment, IReadOnlyDictionary<string, double> weights)
    {
        var snapshot = registry.Current;
        var current = _overrides;
        var next = new Overrides(snapshot);
        if (ReferenceEquals(current.Snapshot, snapshot))
        {
            foreach (var pair in current.Weights)
            {
                next.Weights[pair.Key] = pair.Value;
            }
        }
        foreach (var (version, weight) in weights)
        {
            next.Weights[(deployment, version)] = weight;
        }
        _overrides = next;
    }

    private sealed record Overrides(ModelRegistry Snapshot)
    {
        public ConcurrentDictionary<(string Deployment, string Version), double> Weights { get; } = new();
    }
}
