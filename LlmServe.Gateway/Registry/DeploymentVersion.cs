namespace LlmServe.Gateway.Registry;

/// <summary>A validated version of a deployment: its weight and where its replicas are.</summary>
internal sealed record DeploymentVersion(string Name, double Weight, Uri Upstream, bool IsStatic);
