namespace LlmServe.Gateway.Routing;

/// <summary>
/// What the gateway knows about one replica of one deployment: its address and how many requests it is serving
/// through this gateway right now. Instances live as long as the gateway so counts survive re-resolution.
/// </summary>
internal sealed class ReplicaState(string deployment, Uri address)
{
    private int _inFlight;

    public string Deployment { get; } = deployment;

    public Uri Address { get; } = address;

    /// <summary>A short, stable id for tags and logs (host:port).</summary>
    public string Id { get; } = address.Authority;

    public string DestinationPrefix { get; } = UpstreamAddress.ToDestinationPrefix(address);

    public int InFlightRequests => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request against this replica until the returned lease is disposed.</summary>
    public ReplicaLease Acquire(Action? onRelease = null)
    {
        Interlocked.Increment(ref _inFlight);
        return new ReplicaLease(this, onRelease);
    }

    internal void Release() => Interlocked.Decrement(ref _inFlight);
}
