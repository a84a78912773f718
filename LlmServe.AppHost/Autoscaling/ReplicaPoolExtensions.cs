using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.AppHost.Autoscaling;

/// <summary>The local actuator of the gateway's autoscaler: pre-declared replica resources plus a loop that starts and stops them.</summary>
internal static class ReplicaPoolExtensions
{
    /// <summary>
    /// For an autoscaled deployment, hands the gateway its autoscaling settings and, in a local run, declares replicas
    /// 1..MaxReplicas-1 beside <paramref name="worker"/> (replica 0) as the gateway's further upstreams. Returns the pool,
    /// or null when there is nothing to actuate (no autoscaling, or publishing: in a cluster the Kubernetes actuator
    /// scales the one worker Deployment).
    /// </summary>
    public static ReplicaPool? AddReplicaPool(this IDistributedApplicationBuilder builder, int index, ModelDeploymentOptions deployment,
        IResourceBuilder<ProjectResource> worker, IResourceBuilder<ProjectResource> gateway)
    {
        if (deployment.Autoscaling is not { Enabled: true } autoscaling)
        {
            return null;
        }

        var prefix = $"Gateway__Deployments__{index}__Autoscaling__";
        foreach (var (key, value) in autoscaling.Settings)
        {
            gateway.WithEnvironment(prefix + key.Replace(":", "__", StringComparison.Ordinal), value);
        }
        if (!builder.ExecutionContext.IsRunMode)
        {
            return null;
        }

        // Slots at or above the target drain so that this AppHost can stop them once idle, even a pool of one at zero.
        gateway.WithEnvironment(prefix + "DrainAboveTarget", "true");
        var replicas = new List<IResource> { worker.Resource };
        for (var i = 1; i < autoscaling.MaxReplicas; i++)
        {
            var replica = builder.AddLlmWorker(deployment, i).WithPlacement(deployment);
            gateway.WithReference(replica)
                .WithEnvironment($"{prefix}ReplicaUpstreams__{i - 1}", $"http://{replica.Resource.Name}");
            if (deployment.StartsWithApp(i))
            {
                gateway.WaitFor(replica);
            }
            replicas.Add(replica.Resource);
        }
        return new ReplicaPool(deployment.Name, replicas);
    }

    /// <summary>Runs <see cref="ReplicaPoolActuator"/> over <paramref name="pools"/> (nothing when there are none).</summary>
    public static IDistributedApplicationBuilder AddReplicaPoolActuator(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> gateway, IReadOnlyList<ReplicaPool> pools)
    {
        if (pools.Count == 0 || !builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }
        var options = builder.Configuration.GetSection(ReplicaPoolActuatorOptions.SectionName).Get<ReplicaPoolActuatorOptions>()
            ?? new ReplicaPoolActuatorOptions();
        builder.Services.AddSingleton(new ReplicaPoolTopology(gateway.Resource, pools, options));
        builder.Services.AddHostedService<ReplicaPoolActuator>();
        return builder;
    }
}
