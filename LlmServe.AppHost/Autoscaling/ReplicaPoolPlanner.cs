namespace LlmServe.AppHost.Autoscaling;

/// <summary>
/// The local actuator's rule for one replica slot, pure. Slots below the gateway's target must run: start one that
/// is not running. Slots at or above it are drained by the gateway first (no new requests); stop one only after the
/// gateway has reported it drained for the grace period, so no in-flight request is cut off.
/// </summary>
internal static class ReplicaPoolPlanner
{
    /// <param name="slot">The replica's slot in the pool (0 = <c>worker-NAME</c>).</param>
    /// <param name="target">The gateway's target replica count.</param>
    /// <param name="state">The resource's Aspire state (<see cref="KnownResourceStates"/>), null when unknown.</param>
    /// <param name="drainedFor">How long the gateway has reported the slot drained without a break, null when it does not.</param>
    /// <param name="drainGrace">How long a drained report must last before the replica is stopped.</param>
    public static ReplicaCommand Plan(int slot, int target, string? state, TimeSpan? drainedFor, TimeSpan drainGrace)
    {
        if (slot < target)
        {
            return IsStopped(state) ? ReplicaCommand.Start : ReplicaCommand.None;
        }
        return IsUp(state) && drainedFor >= drainGrace ? ReplicaCommand.Stop : ReplicaCommand.None;
    }

    /// <summary>
    /// States the start command applies to: never started, stopped, exited or failed, and <see cref="UnknownState"/>,
    /// which a project resource often settles in after a stop command (its process is gone, no exit code is known).
    /// </summary>
    public static bool IsStopped(string? state) => state is not null
        && (state == KnownResourceStates.NotStarted || state == KnownResourceStates.Exited
            || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart || state == UnknownState);

    /// <summary>DCP's state of an executable it no longer tracks (not among <see cref="KnownResourceStates"/>).</summary>
    public const string UnknownState = "Unknown";

    /// <summary>States of a replica process that exists (or is being created) and can be stopped.</summary>
    public static bool IsUp(string? state) => state is not null
        && (state == KnownResourceStates.Running || state == KnownResourceStates.Starting
            || state == KnownResourceStates.Waiting || state == KnownResourceStates.RuntimeUnhealthy);
}
