namespace LlmServe.AppHost.Publishing;

/// <summary>Karpenter v1 NodePools (GPU and CPU) and the EC2NodeClass they launch from, all from <see cref="KarpenterOptions"/>.</summary>
internal static class KarpenterManifests
{
    public static IEnumerable<object> Build(KarpenterOptions options)
    {
        yield return NodePool(options.GpuPool, options.NodeClassName);
        yield return NodePool(options.CpuPool, options.NodeClassName);
        var discovery = new Dictionary<string, object> { ["tags"] = new Dictionary<string, string> { ["karpenter.sh/discovery"] = options.ClusterName } };
        yield return Meta.Custom("karpenter.k8s.aws/v1", "EC2NodeClass", options.NodeClassName, null, "nodes", new Dictionary<string, object>
        {
            ["role"] = options.NodeRole,
            ["amiSelectorTerms"] = new[] { new Dictionary<string, string> { ["alias"] = options.AmiAlias } },
            ["subnetSelectorTerms"] = new[] { discovery },
            ["securityGroupSelectorTerms"] = new[] { discovery },
            // Room for CUDA images and model weights pulled onto the node.
            ["blockDeviceMappings"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["deviceName"] = "/dev/xvda",
                    ["ebs"] = new Dictionary<string, object> { ["volumeSize"] = options.RootVolumeSize, ["volumeType"] = "gp3", ["deleteOnTermination"] = true },
                },
            },
        });
    }

    private static Dictionary<string, object> NodePool(NodePoolOptions pool, string nodeClass)
    {
        var requirements = new List<object>
        {
            Requirement("karpenter.k8s.aws/instance-family", pool.InstanceFamilies),
            Requirement("kubernetes.io/arch", pool.Architectures.Count == 0 ? ["amd64"] : pool.Architectures),
            Requirement("karpenter.sh/capacity-type", pool.CapacityTypes.Count == 0 ? ["on-demand"] : pool.CapacityTypes),
        };
        var nodeSpec = new Dictionary<string, object>
        {
            ["nodeClassRef"] = new Dictionary<string, string> { ["group"] = "karpenter.k8s.aws", ["kind"] = "EC2NodeClass", ["name"] = nodeClass },
            ["requirements"] = requirements,
            ["expireAfter"] = pool.ExpireAfter,
        };
        if (pool.GpuTaint)
        {
            nodeSpec["taints"] = new[] { new Dictionary<string, string> { ["key"] = "nvidia.com/gpu", ["effect"] = "NoSchedule" } };
        }
        var spec = new Dictionary<string, object>
        {
            ["template"] = new Dictionary<string, object>
            {
                ["metadata"] = new Dictionary<string, object> { ["labels"] = new Dictionary<string, string> { ["llmserve.io/pool"] = pool.Name } },
                ["spec"] = nodeSpec,
            },
            ["limits"] = pool.Limits,
            ["disruption"] = new Dictionary<string, string> { ["consolidationPolicy"] = pool.ConsolidationPolicy, ["consolidateAfter"] = pool.ConsolidateAfter },
        };
        return Meta.Custom("karpenter.sh/v1", "NodePool", pool.Name, null, "nodes", spec);
    }

    private static Dictionary<string, object> Requirement(string key, List<string> values) =>
        new() { ["key"] = key, ["operator"] = "In", ["values"] = values };
}
