using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/completions: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class CompletionsApi
{
    public const string Path = "/v1/completions";

    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapInference(Path, OpenAiEndpoint.Completions).WithName("CreateCompletion");
        return app;
    }
}
