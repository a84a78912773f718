namespace LlmServe.Gateway.Routing;

/// <summary>One request's claim on a replica; disposing it (once) gives the slot back.</summary>
internal sealed class ReplicaLease(ReplicaState replica, Action? onRelease = null) : IDisposable
{
    private int _disposed;

    public ReplicaState Replica { get; } = replica;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Replica.Release();
            onRelease?.Invoke();
        }
    }
}
