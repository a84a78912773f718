using Microsoft.AspNetCore.Http;

namespace LlmServe.ServiceDefaults;

/// <summary>Meter and ActivitySource names of every LlmServe service, registered once in ServiceDefaults.</summary>
public static class TelemetryNames
{
    public const string Gateway = "LlmServe.Gateway";
    public const string Worker = "LlmServe.Worker";
    public const string Rag = "LlmServe.Rag";
    public const string Agents = "LlmServe.Agents";

    /// <summary>Semantic Kernel's own sources and meters (model and function calls).</summary>
    public const string SemanticKernel = "Microsoft.SemanticKernel*";

    /// <summary>The ActivitySource HttpClient creates its client spans with.</summary>
    public const string HttpClientSource = "System.Net.Http";

    internal static readonly string[] AllMeters = [Gateway, Worker, Rag, Agents, SemanticKernel];
    internal static readonly string[] AllSources = [Gateway, Worker, Rag, Agents, SemanticKernel];

    internal static bool IsProbePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics")
        || path.StartsWithSegments("/load");
}
