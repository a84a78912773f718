namespace LlmServe.AppHost.Autoscaling;

/// <summary>The local actuator's timing, bound from <c>LlmServe:ReplicaPoolActuator</c>.</summary>
internal sealed class ReplicaPoolActuatorOptions
{
    public const string SectionName = "LlmServe:ReplicaPoolActuator";

    /// <summary>How often the gateway's decisions are read from <c>GET /admin/autoscaler</c>.</summary>
    public double PollIntervalS { get; set; } = 0.25;

    /// <summary>
    /// How long the gateway must keep reporting a replica drained (draining, nothing in flight) before it is stopped:
    /// covers a request routed just before the drain began but not yet counted in flight.
    /// </summary>
    public double DrainGraceS { get; set; } = 1.0;

    /// <summary>The least time between two identical commands to one replica (a replica that fails to start is not hammered).</summary>
    public double CommandCooldownS { get; set; } = 5.0;
}
