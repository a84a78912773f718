using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/embeddings: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class EmbeddingsApi
{
    public const string Path = "/v1/embeddings";

    public static IEndpointRouteBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        app.MapInference(Path, OpenAiEndpoint.Embeddings).WithName("CreateEmbedding");
        return app;
    }
}
