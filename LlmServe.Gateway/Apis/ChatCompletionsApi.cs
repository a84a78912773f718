using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/chat/completions: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class ChatCompletionsApi
{
    public const string Path = "/v1/chat/completions";

    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, CreateChatCompletion).WithName(nameof(CreateChatCompletion));
        return app;
    }

    /// <summary>Proxies one chat completion request (JSON or SSE stream) without buffering the response.</summary>
    public static Task<IResult> CreateChatCompletion(HttpContext context, [AsParameters] GatewayServices services) =>
        services.Proxy.HandleAsync(context, OpenAiEndpoint.ChatCompletions);
}
