using System.Globalization;
using LlmServe.AppHost.Kubernetes;
using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>Turns the app model plus configuration into the kustomize base: file name -> objects, in a fixed order.</summary>
internal sealed class KubernetesManifestBuilder(TopologyOptions topology, PublishOptions options)
{
    public SortedDictionary<string, IReadOnlyList<object>> Build(DistributedApplicationModel model)
    {
        var files = new SortedDictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal)
        {
            ["namespace.yaml"] = [new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = options.Namespace, Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = Meta.PartOf } } }],
            ["rbac.yaml"] = [.. RbacManifests.Build(options)],
            ["karpenter.yaml"] = [.. KarpenterManifests.Build(options.Karpenter)],
            ["monitoring.yaml"] = [.. MonitoringManifests.Build(options)],
        };
        var gateway = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var routes = new GatewayRoutes(gateway);
        // The embedding worker (a CPU pod by default) follows the chat deployments, as in the local gateway's table.
        foreach (var deployment in topology.Embedding is { } embedding ? [.. topology.Deployments, embedding] : topology.Deployments)
        {
            var name = ResourceNames.Worker(deployment.Name);
            // The model's own resource (not a local replica pool's extra members) carries the placement.
            var resource = model.Resources.SingleOrDefault(r => r.Name == name)
                ?? throw new InvalidOperationException($"The app model has no resource '{name}' for deployment '{deployment.Name}'.");
            var placement = resource.GetPlacement() ?? new KubernetesPlacementAnnotation();
            files[name + ".yaml"] = [.. WorkerManifests.Build(name, deployment, placement, options)];

            var prefix = routes.AddWorker(deployment, name);
            if (deployment.Autoscaling is { Enabled: true } autoscaling)
            {
                // The gateway's autoscaler patches this Deployment's scale subresource (the RBAC is in rbac.yaml).
                foreach (var (key, value) in autoscaling.Settings)
                {
                    gateway[prefix + "Autoscaling__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
                gateway["Gateway__Autoscaler__Actuator"] = "Kubernetes";
            }
        }
        foreach (var collection in topology.RagCollections)
        {
            routes.AddExternal($"rag/{collection}", ResourceNames.Rag, ResourceNames.RagOwner);
        }
        foreach (var agent in topology.AgentModels)
        {
            routes.AddExternal($"agent/{agent}", ResourceNames.Agents, ResourceNames.AgentsOwner);
        }
        gateway["Gateway__Autoscaler__Kubernetes__Namespace"] = options.Namespace;
        // Upstreams name headless Services: the gateway resolves every A record (one per ready pod) and routes to each.
        gateway["Gateway__Dns__Enabled"] = "true";
        gateway["Gateway__Dns__RefreshInterval"] = options.GatewayDnsRefresh.ToString("c", CultureInfo.InvariantCulture);
        RequireResource(model, ResourceNames.Gateway);
        files["gateway.yaml"] = [.. ServiceManifests.Build(ResourceNames.Gateway, gateway, options, 2, RbacManifests.AutoscalerAccount)];

        RequireResource(model, ResourceNames.Rag);
        files["rag.yaml"] = [.. ServiceManifests.Build(ResourceNames.Rag, RagManifests.Configuration(topology, options), options, 2,
            secrets: [RagManifests.MilvusToken(options.Milvus)])];
        files["milvus.yaml"] = [.. MilvusManifests.Build(options)];

        RequireResource(model, ResourceNames.Agents);
        var agents = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Agents__GatewayUrl"] = $"http://{ResourceNames.Gateway}",
            ["Agents__RagUrl"] = $"http://{ResourceNames.Rag}",
            ["Agents__Model"] = topology.DefaultModel,
        };
        files["agents.yaml"] = [.. ServiceManifests.Build(ResourceNames.Agents, agents, options, 2)];
        return new(files.Where(f => f.Value.Count > 0).ToDictionary(), StringComparer.Ordinal);
    }

    private static void RequireResource(DistributedApplicationModel model, string name)
    {
        if (!model.Resources.Any(r => r.Name == name))
        {
            throw new InvalidOperationException($"The app model has no resource '{name}'.");
        }
    }
}
