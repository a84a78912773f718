using LlmServe.Agents.Agents;
using LlmServe.Agents.Kernel;
using LlmServe.Agents.Mcp;
using LlmServe.Agents.Tools;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmServe.Agents;

/// <summary>Dependency injection of the agents service.</summary>
internal static class AgentsServiceCollectionExtensions
{
    /// <summary>Semantic Kernel's model-call spans (gen_ai.*) are off unless this switch is set; prompts stay out.</summary>
    private const string SemanticKernelDiagnosticsSwitch = "Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnostics";

    public static IHostApplicationBuilder AddAgentsServices(this IHostApplicationBuilder builder)
    {
        AppContext.SetSwitch(SemanticKernelDiagnosticsSwitch, true);

        var services = builder.Services;
        services.AddOptions<AgentsOptions>().BindConfiguration(AgentsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentsOptions>, AgentsOptionsValidator>();

        // The service defaults add service discovery and resilience to every client, this one included.
        services.AddTransient<ModelCallHandler>();
        services.AddHttpClient(KernelFactory.HttpClientName).AddHttpMessageHandler<ModelCallHandler>();
        services.AddHttpClient(KnowledgePlugin.HttpClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<McpServerConnections>();
        services.AddHostedService(sp => sp.GetRequiredService<McpServerConnections>());
        services.AddHealthChecks().AddCheck<McpHealthCheck>(McpHealthCheck.Name);
        services.AddSingleton<AgentTools>();
        services.AddSingleton<KernelFactory>();
        services.AddSingleton<AgentCatalog>();
        services.AddSingleton<AgentsTelemetry>();
        services.AddSingleton<ChatAgentRunner>();
        return builder;
    }
}
