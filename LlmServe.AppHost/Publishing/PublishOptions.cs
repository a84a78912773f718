using Microsoft.Extensions.Configuration;

namespace LlmServe.AppHost.Publishing;

/// <summary>The Kubernetes publish settings under <c>LlmServe:Publish</c>.</summary>
internal sealed class PublishOptions
{
    public const string SectionName = "LlmServe:Publish";

    public string Namespace { get; set; } = "llmserve";

    /// <summary>Image registry prefix (an ECR repository host); the overlays set the tags.</summary>
    public string ImageRegistry { get; set; } = "registry.example.com/llmserve";

    /// <summary>The worker image built with <c>-p:TorchBackend=cuda</c>.</summary>
    public string WorkerImage { get; set; } = "llmserve-worker-cuda";

    /// <summary>The worker image of deployments that request no GPU (the default CPU build).</summary>
    public string CpuWorkerImage { get; set; } = "llmserve-worker";

    /// <summary>LoadBalancer (an NLB Service) or Ingress (ALB class).</summary>
    public string GatewayExposure { get; set; } = "LoadBalancer";

    public string IngressClassName { get; set; } = "alb";
    public string IngressHost { get; set; } = "llmserve.example.com";

    /// <summary>The model cache: EmptyDir (per pod) or Pvc (shared ReadWriteMany claim per deployment).</summary>
    public string ModelCache { get; set; } = "EmptyDir";
    public string ModelCacheSize { get; set; } = "100Gi";
    public string ModelCacheStorageClass { get; set; } = "efs-sc";

    /// <summary>Size of the memory-backed /dev/shm of a worker.</summary>
    public string SharedMemorySize { get; set; } = "8Gi";

    /// <summary>Secret (by name; never emitted) holding HF_TOKEN for gated hub models.</summary>
    public string HuggingFaceTokenSecret { get; set; } = "llmserve-hf-token";

    /// <summary>How often the gateway looks up each worker's headless Service again for pods that came or went.</summary>
    public TimeSpan GatewayDnsRefresh { get; set; } = TimeSpan.FromSeconds(10);

    public MilvusOptions Milvus { get; set; } = new();
    public KarpenterOptions Karpenter { get; set; } = new();

    public static PublishOptions Read(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<PublishOptions>() ?? new PublishOptions();
}
