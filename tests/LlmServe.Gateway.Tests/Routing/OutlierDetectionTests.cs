using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class OutlierDetectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    [Theory]
    // Threshold 3: a failure after a streak of 1 -> streak 2, not ejected.
    [InlineData(false, 1, 3, 2, false)]
    // The third failure in a row ejects and restarts the streak.
    [InlineData(false, 2, 3, 0, true)]
    // A success resets the streak.
    [InlineData(true, 2, 3, 0, false)]
    // Threshold 0 turns detection off.
    [InlineData(false, 9, 0, 0, false)]
    public void OnResult_Table_UpdatesStreakAndEjects(bool success, int streak, int threshold, int expectedStreak, bool ejected)
    {
        var (next, until) = OutlierDetection.OnResult(success, streak, T0, threshold, Cooldown);

        Assert.Equal(expectedStreak, next);
        Assert.Equal(ejected ? T0 + Cooldown : null, until);
    }

    [Fact]
    public void RecordResult_EjectedReplica_ComesBackAfterCooldown()
    {
        var replica = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var other = new ReplicaState("llama", new Uri("http://10.0.0.2:8000"));

        Assert.False(replica.RecordResult(false, T0, 2, Cooldown));
        Assert.True(replica.RecordResult(false, T0, 2, Cooldown));

        Assert.Equal([other], OutlierDetection.Available([replica, other], T0.AddSeconds(29)));
        Assert.Equal([replica, other], OutlierDetection.Available([replica, other], T0.AddSeconds(30)));
        // Panic mode: with every replica out, route to all rather than to none.
        Assert.Equal([replica], OutlierDetection.Available([replica], T0.AddSeconds(1)));
    }
}
