namespace LlmServe.AppHost.Publishing;

/// <summary>Karpenter NodePools and their EC2NodeClass.</summary>
internal sealed class KarpenterOptions
{
    public string ClusterName { get; set; } = "llmserve";

    /// <summary>The node IAM role Karpenter gives the instances.</summary>
    public string NodeRole { get; set; } = "KarpenterNodeRole-llmserve";
    public string AmiAlias { get; set; } = "al2023@latest";
    public string NodeClassName { get; set; } = "llmserve";
    public string RootVolumeSize { get; set; } = "200Gi";

    /// <summary>Families, capacity types and limits come from configuration (appsettings.json), not code.</summary>
    public NodePoolOptions GpuPool { get; set; } = new() { Name = "gpu", GpuTaint = true };

    public NodePoolOptions CpuPool { get; set; } = new() { Name = "cpu" };
}
