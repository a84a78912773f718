using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Gateway.Forwarding;

/// <summary>The event that ends a broken stream: <c>data: {"error":{...}}</c> as OpenAI sends mid-stream errors.</summary>
internal static class SseErrorEvent
{
    public const string Code = "upstream_stream_failed";

    public static string Format(string message) =>
        "data: " + JsonSerializer.Serialize(new OpenAiErrorBody(new OpenAiErrorDetail(message, OpenAiError.Server, null, Code))) + "\n\n";
}
