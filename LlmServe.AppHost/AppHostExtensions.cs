using System.Globalization;
using LlmServe.AppHost.Kubernetes;

namespace LlmServe.AppHost;

/// <summary>Resource builders that read as the topology.</summary>
internal static class AppHostExtensions
{
    /// <summary>
    /// One Worker replica serving <paramref name="deployment"/>, ready once its model loads. Replica 0 is the
    /// deployment's own resource; an autoscaled deployment's others (1..MaxReplicas-1) wait for the autoscaler.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddLlmWorker(this IDistributedApplicationBuilder builder, ModelDeploymentOptions deployment, int replica = 0)
    {
        var name = ResourceNames.Worker(deployment.Name, replica);
        // Only the app's first worker keeps the launch profile (and its fixed port): every other worker resource, a
        // further replica or another deployment such as the embedding model, gets its own allocated port, since
        // resources sharing the profile would share its port and one would answer for the other.
        var firstWorker = replica == 0 && !builder.Resources.OfType<ProjectResource>().Any(IsWorker);
        var worker = firstWorker
            ? builder.AddProject<Projects.LlmServe_Worker>(name)
            : builder.AddProject<Projects.LlmServe_Worker>(name, o => o.ExcludeLaunchProfile = true).WithHttpEndpoint(name: "http");
        worker.WithArgs("--model", deployment.Model, "--served-model-name", deployment.Name, "--dtype", deployment.Dtype)
            .WithHttpHealthCheck("/health");
        return deployment.StartsWithApp(replica) ? worker : worker.WithExplicitStart();
    }

    private static bool IsWorker(ProjectResource resource) =>
        resource.TryGetLastAnnotation<IProjectMetadata>(out var project)
        && project.ProjectPath == new Projects.LlmServe_Worker().ProjectPath;

    /// <summary>The deployment's published placement (inert locally, except the tensor-parallel argument).</summary>
    public static IResourceBuilder<ProjectResource> WithPlacement(this IResourceBuilder<ProjectResource> worker, ModelDeploymentOptions deployment) =>
        worker.WithTensorParallel(deployment.TensorParallelSize)
            .WithGpu(deployment.Gpus ?? deployment.TensorParallelSize)
            .WithNodePool(deployment.NodePool, deployment.InstanceFamilies)
            .WithComputeResources(deployment.Cpu, deployment.Memory)
            .WithKubernetesReplicas(deployment.Autoscaling is { Enabled: true } a ? a.EffectiveInitialReplicas : deployment.Replicas)
            .WithStartupBudget(TimeSpan.FromSeconds(deployment.StartupSeconds));

    /// <summary>Registers a deployment with the gateway (name, aliases, upstream by service discovery).</summary>
    public static IResourceBuilder<ProjectResource> WithModelDeployment(this IResourceBuilder<ProjectResource> gateway, int index,
        ModelDeploymentOptions deployment, IResourceBuilder<ProjectResource> worker)
    {
        var prefix = $"Gateway__Deployments__{index}__";
        gateway.WithReference(worker)
            .WithEnvironment(prefix + "Name", deployment.Name)
            .WithEnvironment(prefix + "Upstream", $"http://{worker.Resource.Name}");
        foreach (var (alias, i) in deployment.Aliases.Select((a, i) => (a, i)))
        {
            gateway.WithEnvironment($"{prefix}Aliases__{i}", alias);
        }
        // A replica left to the autoscaler (scale from zero) is not waited for: the gateway holds its requests instead.
        return deployment.StartsWithApp(0) ? gateway.WaitFor(worker) : gateway;
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
            gateway.WithExternalModel(firstIndex + i, $"agent/{name}", agents, ResourceNames.AgentsOwner);
        }
        return gateway;
    }

    /// <summary>A gateway deployment whose upstream is another service of the topology speaking the OpenAI API.</summary>
    public static IResourceBuilder<ProjectResource> WithExternalModel(this IResourceBuilder<ProjectResource> gateway, int index,
        string modelName, IResourceBuilder<ProjectResource> upstream, string ownedBy)
    {
        var prefix = $"Gateway__Deployments__{index.ToString(CultureInfo.InvariantCulture)}__";
        return gateway.WithEnvironment(prefix + "Name", modelName)
            .WithEnvironment(prefix + "Upstream", $"http://{upstream.Resource.Name}")
            .WithEnvironment(prefix + "OwnedBy", ownedBy);
    }
}
