namespace LlmServe.AppHost.Autoscaling;

/// <summary>One autoscaled deployment in <see cref="AutoscalerReport"/>: the target replica count and the gateway's view of each slot.</summary>
#pragma warning disable CA1812 // instantiated by System.Text.Json
internal sealed record DeploymentScaling(string Deployment, int TargetReplicas, int RunningReplicas, IReadOnlyList<ReplicaScaling> Replicas);
#pragma warning restore CA1812
