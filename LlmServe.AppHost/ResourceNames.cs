namespace LlmServe.AppHost;

/// <summary>Resource names; they are also the service-discovery host names (http://gateway, http://rag).</summary>
internal static class ResourceNames
{
    public const string Gateway = "gateway";
    public const string Rag = "rag";
    public const string Agents = "agents";
    public const string WorkerPrefix = "worker-";

    /// <summary>The <c>owned_by</c> the gateway lists for the models Rag and Agents serve (<c>rag/NAME</c>, <c>agent/NAME</c>).</summary>
    public const string RagOwner = "llmserve-rag";
    public const string AgentsOwner = "llmserve-agents";

    /// <summary>A deployment's replica resource: <c>worker-NAME</c> for the first, <c>worker-NAME-I</c> for the pool's others.</summary>
    public static string Worker(string deployment, int replica = 0) =>
        WorkerPrefix + deployment.ToLowerInvariant() + (replica == 0 ? "" : "-" + replica.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
