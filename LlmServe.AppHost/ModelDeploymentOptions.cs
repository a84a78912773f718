using LlmServe.AppHost.Autoscaling;

namespace LlmServe.AppHost;

/// <summary>One model deployment as configured under <c>LlmServe:Deployments</c>.</summary>
internal sealed class ModelDeploymentOptions
{
    /// <summary>The served model name clients use; also names the worker resource (<c>worker-NAME</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Other names the gateway accepts for this deployment.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>
    /// What the worker loads in a local run: a .gguf file or a Hugging Face folder (relative paths resolve from the
    /// repository root), or a Hugging Face model id.
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary>
    /// Used instead of <see cref="Model"/> when that is a local path that does not exist, and in published manifests
    /// (a cluster has no local paths).
    /// </summary>
    public string? FallbackModel { get; set; }

    /// <summary>The served name that goes with <see cref="FallbackModel"/>.</summary>
    public string? FallbackName { get; set; }

    /// <summary>float32 or bfloat16.</summary>
    public string Dtype { get; set; } = "float32";

    /// <summary>GPUs one replica is sharded over (vLLM's --tensor-parallel-size); also the GPUs it requests.</summary>
    public int TensorParallelSize { get; set; } = 1;

    /// <summary>
    /// GPUs per published replica; null requests <see cref="TensorParallelSize"/>. 0 makes a CPU worker (no GPU limit,
    /// no GPU toleration, the CPU worker image), as for a small encoder that does not need a GPU.
    /// </summary>
    public int? Gpus { get; set; }

    /// <summary>Published placement: the Karpenter NodePool, optionally pinned to instance families.</summary>
    public string NodePool { get; set; } = "gpu";

    public List<string> InstanceFamilies { get; set; } = [];

    /// <summary>Published CPU and memory per replica (request = limit).</summary>
    public string Cpu { get; set; } = "4";

    public string Memory { get; set; } = "16Gi";

    /// <summary>Replicas a cluster starts with.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// Ray Serve-style autoscaling (none: a fixed replica). Locally the AppHost declares <c>MaxReplicas</c> replica
    /// resources (<c>worker-NAME</c>, <c>worker-NAME-1</c>, ...) and starts or stops them as the gateway decides.
    /// </summary>
    public DeploymentAutoscalingOptions? Autoscaling { get; set; }

    /// <summary>Whether replica <paramref name="replica"/> (0 = <c>worker-NAME</c>) starts with the app rather than on the autoscaler's demand.</summary>
    public bool StartsWithApp(int replica) =>
        Autoscaling is { Enabled: true } a ? replica < a.EffectiveInitialReplicas : replica == 0;

    /// <summary>Seconds a replica may take to download and load its model before the startup probe gives up.</summary>
    public int StartupSeconds { get; set; } = 600;
}
