using System.Globalization;

namespace LlmServe.AppHost.Publishing;

/// <summary>
/// The gateway's deployment table as ConfigMap keys (<c>Gateway__Deployments__I__*</c>), indexed in the order the
/// AppHost registers them locally: chat deployments, the embedding deployment, <c>rag/NAME</c>, then <c>agent/NAME</c>.
/// Only the upstreams differ: in a cluster they are Service URLs.
/// </summary>
internal sealed class GatewayRoutes(SortedDictionary<string, string> configuration)
{
    public int Count { get; private set; }

    /// <summary>A worker deployment behind its headless Service (DNS lists every ready replica).</summary>
    public string AddWorker(ModelDeploymentOptions deployment, string service)
    {
        var prefix = Prefix(Count++);
        configuration[prefix + "Name"] = deployment.Name;
        configuration[prefix + "Upstream"] = $"http://{service}:{Meta.ContainerPort.ToString(CultureInfo.InvariantCulture)}";
        foreach (var (alias, i) in deployment.Aliases.Select((a, i) => (a, i)))
        {
            configuration[$"{prefix}Aliases__{i.ToString(CultureInfo.InvariantCulture)}"] = alias;
        }
        return prefix;
    }

    /// <summary>A model another service of the topology answers (its ClusterIP Service listens on port 80).</summary>
    public void AddExternal(string model, string service, string ownedBy)
    {
        var prefix = Prefix(Count++);
        configuration[prefix + "Name"] = model;
        configuration[prefix + "Upstream"] = $"http://{service}";
        configuration[prefix + "OwnedBy"] = ownedBy;
    }

    private static string Prefix(int index) => $"Gateway__Deployments__{index.ToString(CultureInfo.InvariantCulture)}__";
}
