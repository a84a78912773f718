using System.Net.Http.Headers;
using LlmServe.Rag.Generation;
using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Retrieval;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag;

/// <summary>Dependency injection of the RAG service.</summary>
internal static class RagServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRagServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RagOptions>().BindConfiguration(RagOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RagOptions>, RagOptionsValidator>();

        services.AddSingleton(sp => ChunkTokenizer.Create(sp.GetRequiredService<IOptions<RagOptions>>()));
        services.AddSingleton<InMemoryLexicalStore>();
        services.AddSingleton<IChunkStore>(sp => sp.GetRequiredService<InMemoryLexicalStore>());
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<InMemoryLexicalStore>());

        services.AddSingleton<IngestionStatus>();
        services.AddHostedService<IngestionService>();
        services.AddHealthChecks().AddCheck<IngestionHealthCheck>(IngestionHealthCheck.Name, tags: ["ready"]);

        services.AddHttpClient<GatewayChatClient>(ConfigureGateway);
        services.AddSingleton<RagTelemetry>();
        services.AddScoped<RagAnswerer>();
        builder.AddCollections();
        return builder;
    }

    /// <summary>
    /// Points a gateway client at <see cref="RagOptions.GatewayUrl"/> with the API key. The base address is read
    /// when each client is created, so it follows the bound options, not the raw config.
    /// </summary>
    public static void ConfigureGateway(IServiceProvider services, HttpClient http)
    {
        var options = services.GetRequiredService<IOptions<RagOptions>>().Value;
        http.BaseAddress = new Uri(options.GatewayUrl.TrimEnd('/') + "/");
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }
    }
}
