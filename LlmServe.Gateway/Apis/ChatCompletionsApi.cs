using LlmServe.Gateway.Validation;

namespace LlmServe.Gateway.Apis;

/// <summary>POST /v1/chat/completions: validated, then forwarded to a replica of the requested model's deployment.</summary>
internal static class ChatCompletionsApi
{
    public const string Path = "/v1/chat/completions";

    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapInference(Path, OpenAiEndpoint.ChatCompletions).WithName("CreateChatCompletion");
        return app;
    }
}
