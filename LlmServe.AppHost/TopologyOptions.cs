using Microsoft.Extensions.Configuration;

namespace LlmServe.AppHost;

/// <summary>The configured model deployments, resolved for the current mode (run or publish).</summary>
internal sealed class TopologyOptions
{
    public const string SectionName = "LlmServe";

    public List<ModelDeploymentOptions> Deployments { get; set; } = [];

    /// <summary>
    /// The embedding model the RAG service embeds with through the gateway (a worker serving it, registered with the
    /// gateway after the chat deployments); null runs no embedding worker.
    /// </summary>
    public ModelDeploymentOptions? Embedding { get; set; }

    /// <summary>RAG collections the gateway routes as OpenAI models <c>rag/&lt;collection&gt;</c> to the RAG service.</summary>
    public List<string> RagCollections { get; set; } = [];

    /// <summary>The model name RAG and agents ask the gateway for (an alias of the first deployment).</summary>
    public string DefaultModel { get; set; } = "default";

    /// <summary>Agents (as named in the agents service's configuration) the gateway serves as models <c>agent/NAME</c>.</summary>
    public List<string> AgentModels { get; set; } = [];

    /// <summary>
    /// Runs only the gateway and the model workers: no RAG service, agents service or embedding worker, and so no
    /// <c>rag/</c> or <c>agent/</c> routes. For a serving-only topology, and for runs where nothing but the caller
    /// may send requests (an autoscaled pool at zero must not be woken by another service's traffic).
    /// </summary>
    public bool ModelsOnly { get; set; }

    public static TopologyOptions Read(IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SectionName).Get<TopologyOptions>() ?? new TopologyOptions();
        if (options.Deployments.Count == 0)
        {
            throw new InvalidOperationException($"No model deployments are configured under {SectionName}:Deployments.");
        }
        if (options.ModelsOnly)
        {
            options.Embedding = null;
            options.RagCollections = [];
            options.AgentModels = [];
        }
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        foreach (var (d, i) in options.Deployments.Select((d, i) => (d, i)))
        {
            Resolve(d, repositoryRoot, builder.ExecutionContext.IsPublishMode);
            if (d.Autoscaling is { } autoscaling)
            {
                autoscaling.Validate(d.Name);
                var section = builder.Configuration.GetSection($"{SectionName}:Deployments:{i}:Autoscaling");
                autoscaling.SetSettings(section.AsEnumerable(makePathsRelative: true));
            }
        }
        return options;
    }

    private static void Resolve(ModelDeploymentOptions d, string repositoryRoot, bool publish)
    {
        if (!LooksLikePath(d.Model))
        {
            return;
        }
        if (publish)
        {
            // A cluster has no local checkpoint of this machine: published deployments serve the hub model.
            UseFallback(d);
            return;
        }
        var full = Path.GetFullPath(Path.Combine(repositoryRoot, d.Model));
        if (File.Exists(full) || Directory.Exists(full) || d.FallbackModel is null)
        {
            d.Model = full;
            return;
        }
        UseFallback(d);
    }

    private static void UseFallback(ModelDeploymentOptions d)
    {
        d.Model = d.FallbackModel ?? d.Model;
        d.Name = d.FallbackName ?? d.Name;
    }

    private static bool LooksLikePath(string model) =>
        model.StartsWith('.') || model.StartsWith('/') || model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);
}
