using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/embeddings: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class EmbeddingsApi
{
    public const string Path = "/v1/embeddings";

    public static IEndpointRouteBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, CreateEmbedding).WithName(nameof(CreateEmbedding));
        return app;
    }

    /// <summary>Proxies one embedding request (JSON or SSE stream) without buffering the response.</summary>
    public static Task<IResult> CreateEmbedding(HttpContext context, [AsParameters] GatewayServices services) =>
        services.Proxy.HandleAsync(context, OpenAiEndpoint.Embeddings);
}
