namespace LlmServe.ServiceDefaults.Memory;

/// <summary>What the idle trimmer remembers between ticks.</summary>
/// <param name="LastStarted">The request counter seen at the previous tick.</param>
/// <param name="LastActive">When a request was last seen starting or in flight.</param>
/// <param name="Trimmed">Whether the heap was already trimmed since that activity.</param>
public sealed record IdleTrimState(long LastStarted, DateTimeOffset LastActive, bool Trimmed);

/// <summary>
/// Decides when to hand memory back after a burst. The GC keeps the heap it grew under load (server GC sizes its
/// budgets by recent allocation rates), so a process that served an overload stays at its peak footprint until
/// more traffic arrives. One compacting collection after the process has been quiet for a while returns it to its
/// baseline; it runs once per quiet period, never while any request (a stream included) is in flight.
/// </summary>
public static class IdleTrimPolicy
{
    public static IdleTrimState Initial(DateTimeOffset now) => new(0, now, Trimmed: false);

    public static (bool Trim, IdleTrimState Next) Decide(IdleTrimState state, long started, int inFlight,
        DateTimeOffset now, TimeSpan idleAfter)
    {
        if (inFlight > 0 || started != state.LastStarted)
        {
            return (false, new IdleTrimState(started, now, Trimmed: false));
        }
        if (state.Trimmed || now - state.LastActive < idleAfter)
        {
            return (false, state);
        }
        return (true, state with { Trimmed = true });
    }
}
