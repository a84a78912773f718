namespace LlmServe.Gateway;

/// <summary>The gateway's configuration, bound from the <c>Gateway</c> section and reloadable at runtime.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The model deployments the gateway routes to.</summary>
    public List<DeploymentOptions> Deployments { get; set; } = [];

    /// <summary>
    /// How long an upstream call may stay silent (no headers, no body bytes) before it is cancelled. This is an idle
    /// timeout, not a total one: a long generation that keeps streaming tokens never hits it, but a long prefill on
    /// a busy worker must fit inside it, hence the generous default.
    /// </summary>
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Health checks, outlier ejection, retries and first-byte timeout.</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>API keys, per-key limits and budgets, and the admin key.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>Which replica of a deployment serves a request.</summary>
    public RoutingOptions Routing { get; set; } = new();
}
