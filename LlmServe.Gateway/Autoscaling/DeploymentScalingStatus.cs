namespace LlmServe.Gateway.Autoscaling;

/// <summary>One deployment's autoscaling state as shown by <c>GET /admin/autoscaler</c> and the metrics.</summary>
public sealed record DeploymentScalingStatus(
    string Deployment,
    string Policy,
    int TargetReplicas,
    int DesiredReplicas,
    int RunningReplicas,
    double TotalNumRequests,
    int HeldRequests,
    int DecisionCounter,
    int MinReplicas,
    int MaxReplicas,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ReplicaStatus> Replicas);
