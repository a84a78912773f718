namespace LlmServe.ServiceDefaults.Memory;

/// <summary>
/// Counts application requests (probes and scrapes excluded) so the idle trimmer can tell a quiet process from a
/// busy one: <see cref="Started"/> only grows, <see cref="InFlight"/> includes long-running streams.
/// </summary>
public sealed class RequestActivity
{
    private long started;
    private int inFlight;

    public long Started => Interlocked.Read(ref started);

    public int InFlight => Volatile.Read(ref inFlight);

    public void Enter()
    {
        Interlocked.Increment(ref started);
        Interlocked.Increment(ref inFlight);
    }

    public void Exit() => Interlocked.Decrement(ref inFlight);
}
