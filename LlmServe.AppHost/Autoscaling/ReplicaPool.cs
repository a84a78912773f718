namespace LlmServe.AppHost.Autoscaling;

/// <summary>An autoscaled deployment's replica resources, in the gateway's slot order (slot i = <c>Replicas[i]</c>).</summary>
internal sealed record ReplicaPool(string Deployment, IReadOnlyList<IResource> Replicas);
