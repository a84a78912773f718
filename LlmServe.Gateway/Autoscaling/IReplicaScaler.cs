namespace LlmServe.Gateway.Autoscaling;

/// <summary>The actuator seam: makes a deployment run <c>targetReplicas</c> replicas.</summary>
public interface IReplicaScaler
{
    /// <summary>Called by the leader when a deployment's target changes (and once at start with its initial target).</summary>
    Task ScaleAsync(string deployment, AutoscalingOptions options, int targetReplicas, CancellationToken cancellationToken);
}
