namespace LlmServe.AppHost;

/// <summary>Resource names; they are also the service-discovery host names (http://gateway, http://rag).</summary>
internal static class ResourceNames
{
    public const string Gateway = "gateway";
    public const string Rag = "rag";
    public const string Agents = "agents";
    public const string WorkerPrefix = "worker-";
}
