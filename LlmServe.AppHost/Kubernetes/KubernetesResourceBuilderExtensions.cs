namespace LlmServe.AppHost.Kubernetes;

/// <summary>
/// Placement for the published Kubernetes manifests, written so the AppHost reads as the topology
/// (<c>.WithGpu(2).WithNodePool("gpu")</c>). Inert in run mode except <see cref="WithTensorParallel{T}"/>,
/// whose worker argument also selects the sharded forward locally.
/// </summary>
internal static class KubernetesResourceBuilderExtensions
{
    public static IResourceBuilder<T> WithGpu<T>(this IResourceBuilder<T> builder, int count) where T : IResource
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Placement(builder).Gpus = count;
        return builder;
    }

    public static IResourceBuilder<T> WithNodePool<T>(this IResourceBuilder<T> builder, string name, params IEnumerable<string> instanceFamilies)
        where T : IResource
    {
        var placement = Placement(builder);
        placement.NodePool = name;
        placement.InstanceFamilies.Clear();
        placement.InstanceFamilies.AddRange(instanceFamilies);
        return builder;
    }

    /// <summary>Shards each replica over <paramref name="size"/> GPUs: requests that many and passes --tensor-parallel-size.</summary>
    public static IResourceBuilder<T> WithTensorParallel<T>(this IResourceBuilder<T> builder, int size)
        where T : IResourceWithArgs
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var placement = Placement(builder);
        placement.TensorParallelSize = size;
        placement.Gpus = Math.Max(placement.Gpus, size);
        return size == 1 ? builder : builder.WithArgs("--tensor-parallel-size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static IResourceBuilder<T> WithComputeResources<T>(this IResourceBuilder<T> builder, string cpu, string memory) where T : IResource
    {
        var placement = Placement(builder);
        placement.Cpu = cpu;
        placement.Memory = memory;
        return builder;
    }

    public static IResourceBuilder<T> WithKubernetesReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : IResource
    {
        // 0 is a deployment autoscaled from zero: the gateway's autoscaler patches it up on the first request.
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        Placement(builder).Replicas = replicas;
        return builder;
    }

    /// <summary>Sizes the startup probe: model download and load may take this long.</summary>
    public static IResourceBuilder<T> WithStartupBudget<T>(this IResourceBuilder<T> builder, TimeSpan budget) where T : IResource
    {
        Placement(builder).StartupSeconds = (int)Math.Ceiling(budget.TotalSeconds);
        return builder;
    }

    public static KubernetesPlacementAnnotation? GetPlacement(this IResource resource) =>
        resource.Annotations.OfType<KubernetesPlacementAnnotation>().SingleOrDefault();

    private static KubernetesPlacementAnnotation Placement<T>(IResourceBuilder<T> builder) where T : IResource
    {
        if (builder.Resource.GetPlacement() is { } existing)
        {
            return existing;
        }
        var created = new KubernetesPlacementAnnotation();
        builder.WithAnnotation(created);
        return created;
    }
}
