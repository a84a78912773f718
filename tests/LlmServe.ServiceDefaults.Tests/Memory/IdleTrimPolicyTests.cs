using LlmServe.ServiceDefaults.Memory;

namespace LlmServe.ServiceDefaults.Tests.Memory;

public sealed class IdleTrimPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(2);

    [Fact]
    public void QuietLongEnough_TrimsOnce()
    {
        var state = IdleTrimPolicy.Initial(T0);
        (var early, state) = IdleTrimPolicy.Decide(state, 0, 0, T0.AddSeconds(1), IdleAfter);
        (var due, state) = IdleTrimPolicy.Decide(state, 0, 0, T0.AddSeconds(2), IdleAfter);
        (var again, _) = IdleTrimPolicy.Decide(state, 0, 0, T0.AddSeconds(60), IdleAfter);

        Assert.False(early);
        Assert.True(due);
        Assert.False(again);
    }

    [Fact]
    public void NewRequests_RestartTheQuietPeriod_AndAllowAnotherTrim()
    {
        var state = IdleTrimPolicy.Initial(T0);
        (_, state) = IdleTrimPolicy.Decide(state, 0, 0, T0.AddSeconds(3), IdleAfter);
        Assert.True(state.Trimmed);

        (var busy, state) = IdleTrimPolicy.Decide(state, 5, 0, T0.AddSeconds(10), IdleAfter);
        (var tooSoon, state) = IdleTrimPolicy.Decide(state, 5, 0, T0.AddSeconds(11), IdleAfter);
        (var due, _) = IdleTrimPolicy.Decide(state, 5, 0, T0.AddSeconds(12), IdleAfter);

        Assert.False(busy);
        Assert.False(tooSoon);
        Assert.True(due);
    }

    [Fact]
    public void ALongStreamInFlight_NeverTrims()
    {
        var state = IdleTrimPolicy.Initial(T0);
        for (var s = 1; s <= 120; s++)
        {
            (var trim, state) = IdleTrimPolicy.Decide(state, 1, 1, T0.AddSeconds(s), IdleAfter);
            Assert.False(trim);
        }
        (var afterStream, state) = IdleTrimPolicy.Decide(state, 1, 0, T0.AddSeconds(121), IdleAfter);
        (var due, _) = IdleTrimPolicy.Decide(state, 1, 0, T0.AddSeconds(123), IdleAfter);
        Assert.False(afterStream);
        Assert.True(due);
    }
}
