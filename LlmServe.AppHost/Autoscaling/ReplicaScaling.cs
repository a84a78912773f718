namespace LlmServe.AppHost.Autoscaling;

/// <summary>One slot of <see cref="DeploymentScaling"/>; <c>Drained</c>: draining with nothing in flight.</summary>
#pragma warning disable CA1812 // instantiated by System.Text.Json
internal sealed record ReplicaScaling(int Index, bool Ready, bool Draining, int InFlight, bool Drained);
#pragma warning restore CA1812
