using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>
/// vLLM's scoring endpoints for embedding models, routed like every inference call: <c>/v1/score</c>, and the
/// Jina/Cohere-style <c>/v1/rerank</c> and <c>/v2/rerank</c>; each goes to the same path on a replica of the requested
/// model's deployment. (The worker also answers the unversioned <c>/score</c> and <c>/rerank</c>; the gateway keeps its
/// inference API under versioned paths, where API keys apply.)
/// </summary>
internal static class ScoreApi
{
    public static readonly string[] ScorePaths = ["/v1/score"];
    public static readonly string[] RerankPaths = ["/v1/rerank", "/v2/rerank"];

    public static IEndpointRouteBuilder MapScoreApi(this IEndpointRouteBuilder app)
    {
        foreach (var path in ScorePaths)
        {
            app.MapInference(path, OpenAiEndpoint.Score);
        }
        foreach (var path in RerankPaths)
        {
            app.MapInference(path, OpenAiEndpoint.Rerank);
        }
        return app;
    }
}
