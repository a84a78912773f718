namespace LlmServe.Gateway.Autoscaling;

/// <summary>The body of <c>GET /admin/autoscaler</c>.</summary>
public sealed record AutoscalerReport(bool IsLeader, IReadOnlyList<DeploymentScalingStatus> Deployments);
