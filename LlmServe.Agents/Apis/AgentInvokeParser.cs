using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LlmServe.Agents.Apis;

/// <summary>
/// Validates the body of <c>POST /v1/agents/{name}/invoke</c>. The body is read as a <see cref="JsonElement"/> so every
/// mistake gets an OpenAI-shaped 400 that names the parameter. Unknown fields are ignored; <c>null</c> means default (for <c>stream</c>: false).
/// </summary>
internal static class AgentInvokeParser
{
    public const int MaxInputLength = 32_000;

    public static bool TryParse(JsonElement body, [NotNullWhen(true)] out AgentInvokeRequest? request, [NotNullWhen(false)] out RequestError? error)
    {
        request = null;
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new RequestError("The request body must be a JSON object.", null);
        }
        else if (!body.TryGetProperty("input", out var inputElement) || inputElement.ValueKind == JsonValueKind.Null)
        {
            error = new RequestError("Missing required parameter: 'input'.", "input");
        }
        else if (inputElement.ValueKind != JsonValueKind.String)
        {
            error = new RequestError("'input' must be a string.", "input");
        }
        else if (inputElement.GetString() is not { } input || string.IsNullOrWhiteSpace(input))
        {
            error = new RequestError("'input' must not be empty.", "input");
        }
        else if (input.Length > MaxInputLength)
        {
            error = new RequestError($"'input' is too long: {input.Length} characters, the maximum is {MaxInputLength}.", "input");
        }
        else if (body.TryGetProperty("stream", out var stream) && stream.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            error = new RequestError("'stream' must be a boolean.", "stream");
        }
        else if (TryGetMaxTokens(body, out var maxTokens, out error))
        {
            request = new AgentInvokeRequest(input, maxTokens, stream.ValueKind == JsonValueKind.True);
            return true;
        }
        return false;
    }

    private static bool TryGetMaxTokens(JsonElement body, out int? maxTokens, [NotNullWhen(false)] out RequestError? error)
    {
        maxTokens = null;
        error = null;
        if (!body.TryGetProperty("max_tokens", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            error = new RequestError("'max_tokens' must be an integer.", "max_tokens");
            return false;
        }
        if (value < 1)
        {
            error = new RequestError($"'max_tokens' must be at least 1; got {value}.", "max_tokens");
            return false;
        }
        maxTokens = value;
        return true;
    }
}
