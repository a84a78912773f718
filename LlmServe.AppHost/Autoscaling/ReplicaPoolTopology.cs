namespace LlmServe.AppHost.Autoscaling;

/// <summary>What <see cref="ReplicaPoolActuator"/> acts on: the gateway that decides and the pools it decides for.</summary>
internal sealed record ReplicaPoolTopology(ProjectResource Gateway, IReadOnlyList<ReplicaPool> Pools, ReplicaPoolActuatorOptions Options);
