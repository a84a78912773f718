namespace LlmServe.AppHost.Autoscaling;

/// <summary>The gateway's <c>GET /admin/autoscaler</c> body, as far as the local actuator reads it (System.Text.Json web names).</summary>
#pragma warning disable CA1812 // instantiated by System.Text.Json
internal sealed record AutoscalerReport(bool IsLeader, IReadOnlyList<DeploymentScaling> Deployments);
#pragma warning restore CA1812
