using System.Text.Json;

namespace LlmServe.Agents.Agents;

/// <summary>Reads the human message out of an upstream error response.</summary>
internal static class UpstreamErrors
{
    private const int MaxLength = 1000;

    /// <summary>The <c>error.message</c> of an OpenAI error body, else the (truncated) body, else <paramref name="fallback"/>.</summary>
    public static string MessageFrom(string? body, string fallback)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return fallback;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? fallback;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the raw body.
        }
        return body.Length <= MaxLength ? body : body[..MaxLength];
    }
}
