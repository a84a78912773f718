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

    /// <summary>False after the last active health probe failed.</summary>
    public bool ProbeHealthy { get; set; } = true;

    /// <summary>When passive outlier detection ejected this replica, until when.</summary>
    public DateTimeOffset? EjectedUntil { get; private set; }

    /// <summary>Set by the admin API: a draining replica takes no new requests but finishes the ones it has.</summary>
    public bool Draining { get; set; }

    public bool IsAvailable(DateTimeOffset now) => ProbeHealthy && !Draining && !(EjectedUntil > now);

    /// <summary>Records one request's outcome; true when this result ejected the replica.</summary>
    public bool RecordResult(bool success, DateTimeOffset now, int threshold, TimeSpan cooldown)
    {
        lock (_outlierGate)
        {
            (_failureStreak, var ejected) = OutlierDetection.OnResult(success, _failureStreak, now, threshold, cooldown);
            if (ejected is not null)
            {
                EjectedUntil = ejected;
                return true;
            }
            return false;
        }
    }

    private readonly Lock _outlierGate = new();
    private int _failureStreak;
}
