using System.Text.Json;

namespace LlmServe.Agents.Agents;

/// <summary>Reads the human message and the code out of an upstream error response.</summary>
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
        if (Field(body, "message") is { } message)
        {
            return message;
        }
        return body.Length <= MaxLength ? body : body[..MaxLength];
    }

    /// <summary>The <c>error.code</c> of an OpenAI error body; null when there is none.</summary>
    public static string? CodeFrom(string? body) => string.IsNullOrWhiteSpace(body) ? null : Field(body, "code");

    private static string? Field(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: no fields to read.
        }
        return null;
    }
}
