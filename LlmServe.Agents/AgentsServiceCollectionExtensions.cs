using LlmServe.Agents.Agents;
using LlmServe.Agents.Kernel;
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
        services.AddHttpClient(KernelFactory.HttpClientName);
        services.AddSingleton<KernelFactory>();
        services.AddSingleton<AgentCatalog>();
        services.AddSingleton<AgentsTelemetry>();
        services.AddSingleton<ChatAgentRunner>();
        return builder;
    }
}
