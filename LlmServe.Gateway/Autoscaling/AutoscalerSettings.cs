namespace LlmServe.Gateway.Autoscaling;

/// <summary>Gateway-wide autoscaler settings, bound from <c>Gateway:Autoscaler</c>.</summary>
public sealed class AutoscalerSettings
{
    public const string SectionName = "Gateway:Autoscaler";

    /// <summary>Ray's <c>CONTROL_LOOP_INTERVAL_S</c> (0.1): one policy tick per deployment per interval.</summary>
    public double ControlLoopIntervalS { get; set; } = AutoscalingPolicy.DefaultControlLoopIntervalS;

    /// <summary>How often every replica's <c>/load</c> is probed (readiness and LLM signals).</summary>
    public double ProbeIntervalS { get; set; } = 0.5;

    /// <summary>A probe slower than this marks the replica not ready (a stopped Aspire replica hangs rather than refuses).</summary>
    public double ProbeTimeoutS { get; set; } = 1.0;

    /// <summary>Requests held while a deployment has no ready replica, at most (more get 503 at once).</summary>
    public int MaxHeldRequests { get; set; } = 256;

    /// <summary>How long a held request waits for a first ready replica before it gets 503.</summary>
    public double HoldTimeoutS { get; set; } = 120;

    /// <summary>Which <see cref="IReplicaScaler"/> acts on decisions: <c>Logging</c> (default; an external actuator such as the AppHost polls <c>/admin/autoscaler</c>) or <c>Kubernetes</c>.</summary>
    public string Actuator { get; set; } = "Logging";

    /// <summary>Kubernetes actuator and leader election.</summary>
    public KubernetesScalingSettings Kubernetes { get; set; } = new();
}
