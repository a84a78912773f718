using System.Collections.Concurrent;

namespace LlmServe.Gateway.Routing;

/// <summary>The gateway-wide table of replica states, keyed by deployment and address.</summary>
internal sealed class ReplicaStateStore
{
    private readonly ConcurrentDictionary<(string Deployment, Uri Address), ReplicaState> _states = new();

    public ReplicaState GetOrAdd(string deployment, Uri address) =>
        _states.GetOrAdd((deployment, address), static key => new ReplicaState(key.Deployment, key.Address));

    /// <summary>A snapshot of every replica seen so far (for metrics, autoscaling signals and diagnostics).</summary>
    public IReadOnlyList<ReplicaState> Snapshot() => _states.Values.ToArray();
}
