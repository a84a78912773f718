using LlmServe.AppHost.Kubernetes;

namespace LlmServe.AppHost;

/// <summary>Resource builders that read as the topology.</summary>
internal static class AppHostExtensions
{
    /// <summary>A model deployment: one Worker replica serving <paramref name="deployment"/>, ready once its model loads.</summary>
    public static IResourceBuilder<ProjectResource> AddLlmWorker(this IDistributedApplicationBuilder builder, ModelDeploymentOptions deployment) =>
        builder.AddProject<Projects.LlmServe_Worker>(ResourceNames.WorkerPrefix + deployment.Name.ToLowerInvariant())
            .WithArgs("--model", deployment.Model, "--served-model-name", deployment.Name, "--dtype", deployment.Dtype)
            .WithHttpHealthCheck("/health");

    /// <summary>The deployment's published placement (inert locally, except the tensor-parallel argument).</summary>
    public static IResourceBuilder<ProjectResource> WithPlacement(this IResourceBuilder<ProjectResource> worker, ModelDeploymentOptions deployment) =>
        worker.WithTensorParallel(deployment.TensorParallelSize)
            .WithGpu(deployment.TensorParallelSize)
            .WithNodePool(deployment.NodePool, deployment.InstanceFamilies)
            .WithComputeResources(deployment.Cpu, deployment.Memory)
            .WithKubernetesReplicas(deployment.Replicas)
            .WithStartupBudget(TimeSpan.FromSeconds(deployment.StartupSeconds));

    /// <summary>Registers a deployment with the gateway (name, aliases, upstream by service discovery).</summary>
    public static IResourceBuilder<ProjectResource> WithModelDeployment(this IResourceBuilder<ProjectResource> gateway, int index,
        ModelDeploymentOptions deployment, IResourceBuilder<ProjectResource> worker)
    {
        var prefix = $"Gateway__Deployments__{index}__";
        gateway.WithReference(worker).WaitFor(worker)
            .WithEnvironment(prefix + "Name", deployment.Name)
            .WithEnvironment(prefix + "Upstream", $"http://{worker.Resource.Name}");
        foreach (var (alias, i) in deployment.Aliases.Select((a, i) => (a, i)))
        {
            gateway.WithEnvironment($"{prefix}Aliases__{i}", alias);
        }
        return gateway;
    }

    /// <summary>
    /// Registers each agent with the gateway as an external OpenAI-compatible deployment <c>agent/NAME</c> served by
    /// the agents service (which answers chat completions for those model names). Gateway deployment indexes
    /// continue after the model deployments' <paramref name="firstIndex"/>. No WaitFor: the agents service waits
    /// for the gateway, and the gateway's health probes find out when agents are up.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAgentModels(this IResourceBuilder<ProjectResource> gateway, int firstIndex,
        IEnumerable<string> agentNames, IResourceBuilder<ProjectResource> agents)
    {
        gateway.WithReference(agents);
        foreach (var (name, i) in agentNames.Select((n, i) => (n, i)))
        {
            var prefix = $"Gateway__Deployments__{firstIndex + i}__";
            gateway.WithEnvironment(prefix + "Name", $"agent/{name}")
                .WithEnvironment(prefix + "Upstream", $"http://{agents.Resource.Name}")
                .WithEnvironment(prefix + "OwnedBy", "llmserve-agents");
        }
        return gateway;
    }
}
