namespace LlmServe.Gateway.Autoscaling;

/// <summary>Where the Kubernetes actuator and the leader-election Lease live.</summary>
public sealed class KubernetesScalingSettings
{
    /// <summary>The namespace of the worker Deployments and the Lease (default: the pod's own, from the service account).</summary>
    public string? Namespace { get; set; }

    /// <summary>The coordination.k8s.io/v1 Lease the gateway replicas compete for.</summary>
    public string LeaseName { get; set; } = "llmserve-autoscaler";

    /// <summary>Lease duration; the holder renews every third of it.</summary>
    public double LeaseDurationS { get; set; } = 15;

    /// <summary>This candidate's identity (default: the pod name from HOSTNAME).</summary>
    public string? Identity { get; set; }
}
