using System.Collections.Concurrent;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>Readiness of every replica of every autoscaled deployment, plus a signal for requests held until one is ready.</summary>
internal sealed class ReplicaHealthTable
{
    private readonly ConcurrentDictionary<(string Deployment, Uri Address), ReplicaHealth> _replicas = new();
    private readonly ConcurrentDictionary<string, int> _held = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public ReplicaHealth GetOrAdd(string deployment, Uri address, int index) =>
        _replicas.GetOrAdd((deployment, address), static (k, i) => new ReplicaHealth(k.Deployment, k.Address, i), index);

    public IReadOnlyList<ReplicaHealth> For(string deployment) =>
        _replicas.Values.Where(r => r.Deployment == deployment).OrderBy(r => r.Index).ToArray();

    public bool IsKnown(string deployment, Uri address) => _replicas.ContainsKey((deployment, address));

    public void SetReady(ReplicaHealth replica, bool ready, WorkerLoad? load)
    {
        replica.Load = load;
        if (replica.Ready != ready)
        {
            replica.Ready = ready;
            NotifyChanged();
        }
    }

    public void SetDraining(ReplicaHealth replica, bool draining)
    {
        if (replica.Draining != draining)
        {
            replica.Draining = draining;
            NotifyChanged();
        }
    }

    /// <summary>Completes at the next readiness or draining change.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    public int HeldRequests(string deployment) => _held.GetValueOrDefault(deployment);

    public int TotalHeld => _held.Values.Sum();

    /// <summary>Counts one held request in; false (and no count) when <paramref name="max"/> are already held.</summary>
    public bool TryHold(string deployment, int max)
    {
        while (true)
        {
            if (TotalHeld >= max)
            {
                return false;
            }
            // Release leaves the key at 0, so "absent" and "0" are different cases for the compare-and-swap.
            if (_held.TryGetValue(deployment, out var current)
                    ? _held.TryUpdate(deployment, current + 1, current)
                    : _held.TryAdd(deployment, 1))
            {
                return true;
            }
        }
    }

    public void Release(string deployment) => _held.AddOrUpdate(deployment, 0, static (_, v) => Math.Max(0, v - 1));

    private void NotifyChanged() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
