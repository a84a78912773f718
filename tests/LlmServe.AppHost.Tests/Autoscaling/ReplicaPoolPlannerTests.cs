using Aspire.Hosting.ApplicationModel;
using LlmServe.AppHost.Autoscaling;

namespace LlmServe.AppHost.Tests.Autoscaling;

public sealed class ReplicaPoolPlannerTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public static TheoryData<int, int, string?, double?, string> Cases => new()
    {
        // Below the target: start what is not running, leave what is running or on its way.
        { 0, 1, KnownResourceStates.NotStarted, null, nameof(ReplicaCommand.Start) },
        { 1, 2, KnownResourceStates.Finished, null, nameof(ReplicaCommand.Start) },
        { 1, 2, KnownResourceStates.Exited, null, nameof(ReplicaCommand.Start) },
        { 1, 2, KnownResourceStates.FailedToStart, null, nameof(ReplicaCommand.Start) },
        { 1, 2, ReplicaPoolPlanner.UnknownState, null, nameof(ReplicaCommand.Start) },
        { 1, 2, KnownResourceStates.Running, null, nameof(ReplicaCommand.None) },
        { 1, 2, KnownResourceStates.Starting, null, nameof(ReplicaCommand.None) },
        { 1, 2, KnownResourceStates.Stopping, null, nameof(ReplicaCommand.None) },   // started again once stopped
        { 1, 2, null, null, nameof(ReplicaCommand.None) },                           // state unknown to the AppHost: wait
        // A slot below the target is never stopped, drained or not.
        { 0, 1, KnownResourceStates.Running, 5.0, nameof(ReplicaCommand.None) },
        // At or above the target: stop only after the gateway has reported it drained for the grace period.
        { 1, 1, KnownResourceStates.Running, null, nameof(ReplicaCommand.None) },     // still serving in-flight requests
        { 1, 1, KnownResourceStates.Running, 0.5, nameof(ReplicaCommand.None) },      // drained, within the grace
        { 1, 1, KnownResourceStates.Running, 1.0, nameof(ReplicaCommand.Stop) },
        { 0, 0, KnownResourceStates.Running, 1.5, nameof(ReplicaCommand.Stop) },      // scale to zero
        { 1, 1, KnownResourceStates.Starting, 1.0, nameof(ReplicaCommand.Stop) },     // never became ready: nothing to drain
        { 1, 1, KnownResourceStates.Finished, 3.0, nameof(ReplicaCommand.None) },     // already stopped
        { 1, 1, KnownResourceStates.Stopping, 3.0, nameof(ReplicaCommand.None) },
        { 1, 1, KnownResourceStates.NotStarted, null, nameof(ReplicaCommand.None) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_FollowsTargetStateAndDrain(int slot, int target, string? state, double? drainedForS, string expected)
    {
        var drainedFor = drainedForS is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        Assert.Equal(expected, ReplicaPoolPlanner.Plan(slot, target, state, drainedFor, Grace).ToString());
    }
}
