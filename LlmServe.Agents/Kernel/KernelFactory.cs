using LlmServe.Agents.Agents;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SemanticKernel = Microsoft.SemanticKernel.Kernel;

namespace LlmServe.Agents.Kernel;

/// <summary>Builds Semantic Kernel instances whose chat completion service is the gateway's OpenAI API.</summary>
/// <remarks>
/// A kernel is built per invocation: building is cheap, and it takes a fresh client from
/// <see cref="IHttpClientFactory"/> each time, which carries service discovery (so <c>http://gateway</c> resolves)
/// and the stream-safe resilience handler of the service defaults, and lets the factory rotate handlers.
/// </remarks>
internal sealed class KernelFactory(IHttpClientFactory httpClients, IOptions<AgentsOptions> options, ILoggerFactory loggerFactory)
{
    /// <summary>Name of the HttpClient the kernels use.</summary>
    public const string HttpClientName = "gateway";

    /// <summary>Sent when no key is configured: the OpenAI client requires one even where the gateway ignores it.</summary>
    public const string PlaceholderApiKey = "llmserve-no-key";

    public SemanticKernel Create()
    {
        var settings = options.Value;
        var builder = SemanticKernel.CreateBuilder();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IAutoFunctionInvocationFilter, ToolCallFilter>();
        builder.AddOpenAIChatCompletion(
            modelId: settings.Model,
            endpoint: GatewayEndpoint(settings.GatewayUrl),
            apiKey: string.IsNullOrEmpty(settings.ApiKey) ? PlaceholderApiKey : settings.ApiKey,
            httpClient: httpClients.CreateClient(HttpClientName));
        return builder.Build();
    }

    /// <summary>The OpenAI base URL of the gateway: the OpenAI client appends <c>chat/completions</c> to it.</summary>
    internal static Uri GatewayEndpoint(string gatewayUrl) => new(gatewayUrl.TrimEnd('/') + "/v1");
}
