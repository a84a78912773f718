namespace LlmServe.Gateway;

/// <summary>One version of a deployment (for example a canary) and the share of traffic it receives.</summary>
public sealed class DeploymentVersionOptions
{
    /// <summary>A name unique within the deployment (<c>stable</c>, <c>canary</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>A relative weight (not a percentage): 9 and 1 split traffic 90/10. Zero takes the version out of rotation.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Where this version's replicas are, with the same rules as <see cref="DeploymentOptions.Upstream"/>.</summary>
    public string Upstream { get; set; } = "";
}
