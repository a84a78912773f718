namespace LlmServe.AppHost.Publishing;

/// <summary>One Karpenter NodePool. Lists start empty: configuration binding appends to a non-empty list.</summary>
internal sealed class NodePoolOptions
{
    public string Name { get; set; } = "";
    public List<string> InstanceFamilies { get; set; } = [];
    public List<string> Architectures { get; set; } = [];
    public List<string> CapacityTypes { get; set; } = [];

    /// <summary>Upper bounds on what the pool provisions (nvidia.com/gpu, cpu, memory).</summary>
    public SortedDictionary<string, string> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Taints nodes with nvidia.com/gpu:NoSchedule so only pods tolerating it land there.</summary>
    public bool GpuTaint { get; set; }

    public string ConsolidationPolicy { get; set; } = "WhenEmptyOrUnderutilized";
    public string ConsolidateAfter { get; set; } = "5m";
    public string ExpireAfter { get; set; } = "720h";
}
