namespace LlmServe.Gateway.Autoscaling;

/// <summary>One replica in <see cref="DeploymentScalingStatus"/>. <c>Drained</c>: draining with nothing in flight, safe to stop.</summary>
public sealed record ReplicaStatus(int Index, string Address, bool Ready, bool Draining, int InFlight, bool Drained, WorkerLoad? Load);
