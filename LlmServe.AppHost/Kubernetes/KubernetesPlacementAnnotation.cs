namespace LlmServe.AppHost.Kubernetes;

/// <summary>
/// Where and how a resource runs on Kubernetes: GPUs, node pool, tensor-parallel size, CPU and memory.
/// Read only by the publish step; a local run ignores it.
/// </summary>
internal sealed class KubernetesPlacementAnnotation : IResourceAnnotation
{
    /// <summary>nvidia.com/gpu per replica (0: a CPU pod).</summary>
    public int Gpus { get; set; }

    /// <summary>The Karpenter NodePool the pods are placed on (its <c>karpenter.sh/nodepool</c> label).</summary>
    public string? NodePool { get; set; }

    /// <summary>Instance families the pods may land on (<c>karpenter.k8s.aws/instance-family</c>); empty: any of the pool's.</summary>
    public List<string> InstanceFamilies { get; } = [];

    /// <summary>GPUs one model replica is sharded over (vLLM's --tensor-parallel-size).</summary>
    public int TensorParallelSize { get; set; } = 1;

    /// <summary>Replicas the cluster starts with (the gateway's autoscaler moves it from there).</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>CPU request and limit (Kubernetes quantity).</summary>
    public string Cpu { get; set; } = "500m";

    /// <summary>Memory request and limit (Kubernetes quantity).</summary>
    public string Memory { get; set; } = "512Mi";

    /// <summary>How long a replica may take to become ready (model download + load) before it is restarted.</summary>
    public int StartupSeconds { get; set; } = 60;
}
