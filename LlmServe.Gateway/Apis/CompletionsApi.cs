using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/completions: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class CompletionsApi
{
    public const string Path = "/v1/completions";

    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, CreateCompletion).WithName(nameof(CreateCompletion));
        return app;
    }

    /// <summary>Proxies one text completion request (JSON or SSE stream) without buffering the response.</summary>
    public static Task<IResult> CreateCompletion(HttpContext context, [AsParameters] GatewayServices services) =>
        services.Proxy.HandleAsync(context, OpenAiEndpoint.Completions);
}
