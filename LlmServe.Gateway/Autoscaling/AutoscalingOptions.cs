namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Per-deployment autoscaling settings, bound from <c>Gateway:Deployments:N:Autoscaling</c>. Names and defaults are
/// Ray Serve's <c>AutoscalingConfig</c> in PascalCase: <c>min_replicas</c> -> <see cref="MinReplicas"/>,
/// <c>look_back_period_s</c> -> <see cref="LookBackPeriodS"/>, <c>downscale_to_zero_delay_s</c> ->
/// <see cref="DownscaleToZeroDelayS"/>, and so on; seconds stay plain numbers so the mapping is one-to-one.
/// </summary>
public sealed class AutoscalingOptions
{
    /// <summary>Switches a configured section off without deleting it (a deployment with no section is never autoscaled).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Which policy computes the desired count; see <see cref="AutoscalingPolicies"/>.</summary>
    public string Policy { get; set; } = AutoscalingPolicies.RequestQueue;

    /// <summary>Ray <c>min_replicas</c> (default 1). 0 allows scale to zero.</summary>
    public int MinReplicas { get; set; } = 1;

    /// <summary>Ray <c>max_replicas</c> (default 1).</summary>
    public int MaxReplicas { get; set; } = 1;

    /// <summary>Ray <c>initial_replicas</c> (default none: start at <see cref="MinReplicas"/>).</summary>
    public int? InitialReplicas { get; set; }

    /// <summary>Ray <c>target_ongoing_requests</c> (default 2): running + queued requests wanted per replica.</summary>
    public double TargetOngoingRequests { get; set; } = 2.0;

    /// <summary>Ray <c>look_back_period_s</c> (default 30): window the running-request counts are averaged over.</summary>
    public double LookBackPeriodS { get; set; } = 30.0;

    /// <summary>Ray <c>smoothing_factor</c> (default 1): the last fallback for both scaling factors.</summary>
    public double SmoothingFactor { get; set; } = 1.0;

    /// <summary>Ray <c>upscale_smoothing_factor</c> (deprecated alias, falls back to <see cref="SmoothingFactor"/>).</summary>
    public double? UpscaleSmoothingFactor { get; set; }

    /// <summary>Ray <c>downscale_smoothing_factor</c> (deprecated alias, falls back to <see cref="SmoothingFactor"/>).</summary>
    public double? DownscaleSmoothingFactor { get; set; }

    /// <summary>Ray <c>upscaling_factor</c> (default none: <see cref="UpscaleSmoothingFactor"/>, then <see cref="SmoothingFactor"/>).</summary>
    public double? UpscalingFactor { get; set; }

    /// <summary>Ray <c>downscaling_factor</c> (default none: <see cref="DownscaleSmoothingFactor"/>, then <see cref="SmoothingFactor"/>).</summary>
    public double? DownscalingFactor { get; set; }

    /// <summary>Ray <c>upscale_delay_s</c> (default 30): how long "want more" must hold before it is applied.</summary>
    public double UpscaleDelayS { get; set; } = 30.0;

    /// <summary>Ray <c>downscale_delay_s</c> (default 600): how long "want fewer" must hold before it is applied.</summary>
    public double DownscaleDelayS { get; set; } = 600.0;

    /// <summary>Ray <c>downscale_to_zero_delay_s</c> (default none: <see cref="DownscaleDelayS"/>), used only for 1 -> 0.</summary>
    public double? DownscaleToZeroDelayS { get; set; }

    /// <summary>LLM-native policy: the KV-cache usage (0..1) wanted per replica (default 0.8).</summary>
    public double TargetKvCacheUsage { get; set; } = 0.8;

    /// <summary>LLM-native policy: engine-waiting plus gateway-queued requests tolerated per replica (default 1).</summary>
    public double TargetWaitingRequests { get; set; } = 1.0;

    /// <summary>
    /// Local replica pool: further upstreams (<c>http://worker-x-1</c>, ...) that are replicas 1..N of this deployment,
    /// pre-declared and started/stopped by an external actuator. Replicas at or above the target are drained.
    /// </summary>
    public string[] ReplicaUpstreams { get; set; } = [];

    /// <summary>
    /// Drain replicas whose pool slot is at or above the target so an external actuator can stop them once idle
    /// (default: only when <see cref="ReplicaUpstreams"/> is set). The local AppHost sets it for every pool, including a
    /// one-replica pool that scales to zero; in Kubernetes the Deployment controller picks the pods to remove, so no.
    /// </summary>
    public bool? DrainAboveTarget { get; set; }

    /// <summary>Kubernetes actuator: the Deployment to scale (default <c>worker-&lt;name lowercased&gt;</c>).</summary>
    public string? ScaleTargetName { get; set; }

    /// <summary>The factor applied when the desired count is above the current one (Ray <c>get_upscaling_factor</c>).</summary>
    public double EffectiveUpscalingFactor => UpscalingFactor ?? UpscaleSmoothingFactor ?? SmoothingFactor;

    /// <summary>The factor applied when the desired count is below the current one (Ray <c>get_downscaling_factor</c>).</summary>
    public double EffectiveDownscalingFactor => DownscalingFactor ?? DownscaleSmoothingFactor ?? SmoothingFactor;

    /// <summary>Whether slots at or above the target are drained (see <see cref="DrainAboveTarget"/>).</summary>
    public bool EffectiveDrainAboveTarget => DrainAboveTarget ?? ReplicaUpstreams.Length > 0;

    /// <summary>The replica count a deployment starts at: <see cref="InitialReplicas"/>, else <see cref="MinReplicas"/>.</summary>
    public int EffectiveInitialReplicas => InitialReplicas ?? MinReplicas;

    /// <summary>Configuration errors, each prefixed with <paramref name="path"/>; empty when valid.</summary>
    public IEnumerable<string> Validate(string path)
    {
        if (MinReplicas < 0) yield return $"{path}:MinReplicas must be >= 0.";
        if (MaxReplicas < 1) yield return $"{path}:MaxReplicas must be >= 1.";
        if (MinReplicas > MaxReplicas) yield return $"{path}:MinReplicas must be <= MaxReplicas.";
        if (InitialReplicas is { } initial && (initial < MinReplicas || initial > MaxReplicas))
        {
            yield return $"{path}:InitialReplicas must lie between MinReplicas and MaxReplicas.";
        }
        if (!(TargetOngoingRequests > 0)) yield return $"{path}:TargetOngoingRequests must be > 0.";
        if (!(LookBackPeriodS > 0)) yield return $"{path}:LookBackPeriodS must be > 0.";
        if (!(EffectiveUpscalingFactor > 0) || !(EffectiveDownscalingFactor > 0) || !(SmoothingFactor > 0))
        {
            yield return $"{path}: scaling and smoothing factors must be > 0.";
        }
        if (UpscaleDelayS < 0 || DownscaleDelayS < 0 || DownscaleToZeroDelayS < 0)
        {
            yield return $"{path}: delays must be >= 0.";
        }
        if (!(TargetKvCacheUsage is > 0 and <= 1)) yield return $"{path}:TargetKvCacheUsage must be in (0, 1].";
        if (!(TargetWaitingRequests > 0)) yield return $"{path}:TargetWaitingRequests must be > 0.";
        if (!AutoscalingPolicies.IsKnown(Policy)) yield return $"{path}:Policy '{Policy}' is not one of {AutoscalingPolicies.RequestQueue}, {AutoscalingPolicies.LlmNative}.";
    }
}
