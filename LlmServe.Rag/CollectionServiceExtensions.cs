using LlmServe.Rag.Collections;
using LlmServe.Rag.Embeddings;
using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Embedded;
using LlmServe.Rag.VectorStores.Milvus;
using LlmServe.Rag.VectorStores.Postgres;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag;

/// <summary>Dependency injection of collections: the configured vector store, embeddings and the answerer.</summary>
internal static class CollectionServiceExtensions
{
    public static IHostApplicationBuilder AddCollections(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<VectorStoreOptions>().BindConfiguration(VectorStoreOptions.SectionName);
        services.TryAddTimeProvider();
        var provider = builder.Configuration[$"{VectorStoreOptions.SectionName}:Provider"] ?? "embedded";
        switch (provider.ToLowerInvariant())
        {
            case "pgvector":
                services.AddSingleton<IVectorStore>(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<VectorStoreOptions>>().Value;
                    var connection = options.PostgresConnectionString
                        ?? throw new InvalidOperationException("Rag:VectorStore:PostgresConnectionString is required for the pgvector store.");
                    return new PgVectorStore(PgVectorStore.CreateDataSource(connection), options.Hnsw);
                });
                break;
            case "milvus":
                services.AddHttpClient<MilvusVectorStore>();
                services.AddSingleton<IVectorStore>(sp => sp.GetRequiredService<MilvusVectorStore>());
                break;
            case "embedded":
                services.AddSingleton<EmbeddedVectorStore>();
                services.AddSingleton<IVectorStore>(sp => sp.GetRequiredService<EmbeddedVectorStore>());
                break;
            default:
                throw new InvalidOperationException($"Unknown vector store provider '{provider}': use embedded, pgvector or milvus.");
        }

        services.AddHttpClient<GatewayEmbeddingClient>(RagServiceCollectionExtensions.ConfigureGateway);
        services.AddSingleton<LexicalIndexCache>();
        services.AddSingleton<CollectionService>();
        services.AddScoped<CollectionAnswerer>();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
