using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LlmServe.Gateway.Validation;

/// <summary>
/// Checks the shape of an OpenAI request body before it is routed, so malformed requests get a precise 400 from
/// the gateway instead of costing a worker round trip (or surfacing as a worker 500). Pure: JSON in, verdict out.
/// </summary>
/// <remarks>
/// Only structure and types are checked here; value ranges that depend on the model (context length, temperature
/// bounds) stay with the worker. Optional fields may be <c>null</c>, which OpenAI clients send for "unset".
/// </remarks>
internal static class OpenAiRequestValidator
{
    /// <summary>True and the requested model id when <paramref name="body"/> is routable; otherwise the first error.</summary>
    public static bool TryValidate(
        OpenAiEndpoint endpoint,
        JsonElement body,
        [NotNullWhen(true)] out string? model,
        [NotNullWhen(false)] out OpenAiValidationError? error)
    {
        model = null;
        error = ValidateModel(body, out var modelElement);
        if (error is null)
        {
            error = endpoint switch
            {
                OpenAiEndpoint.ChatCompletions => ValidateMessages(body),
                OpenAiEndpoint.Completions => RequireStringOrArray(body, "prompt"),
                OpenAiEndpoint.Embeddings => RequireStringOrArray(body, "input"),
                OpenAiEndpoint.Score => RequireStringOrArray(body, "text_1") ?? RequireStringOrArray(body, "text_2"),
                OpenAiEndpoint.Rerank => Require(body, "query", JsonValueKind.String, "a string") ?? Require(body, "documents", JsonValueKind.Array, "an array"),
                _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
            };
            error ??= ValidateOptionalFields(body, endpoint);
        }
        if (error is not null)
        {
            return false;
        }
        // A String element always has a string value.
        model = modelElement.GetString() ?? "";
        return true;
    }

    private static OpenAiValidationError? ValidateModel(JsonElement body, out JsonElement model)
    {
        model = default;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new("The request body must be a JSON object.", null);
        }
        if (!body.TryGetProperty("model", out model))
        {
            return new("You must provide a model parameter.", "model");
        }
        return model.ValueKind == JsonValueKind.String
            ? null
            : new($"'model' must be a string, got {Describe(model)}.", "model");
    }

    private static OpenAiValidationError? ValidateMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages))
        {
            return new("'messages' is a required property.", "messages");
        }
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return new($"'messages' must be an array, got {Describe(messages)}.", "messages");
        }
        if (messages.GetArrayLength() == 0)
        {
            return new("'messages' must contain at least one message.", "messages");
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var param = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return new($"'{param}' must be an object, got {Describe(message)}.", param);
            }
            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return new($"'{param}.role' is required and must be a string.", $"{param}.role");
            }
            index++;
        }
        return null;
    }

    private static OpenAiValidationError? Require(JsonElement body, string name, JsonValueKind kind, string expected)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return new($"'{name}' is a required property.", name);
        }
        return value.ValueKind == kind ? null : new($"'{name}' must be {expected}, got {Describe(value)}.", name);
    }

    private static OpenAiValidationError? RequireStringOrArray(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return new($"'{name}' is a required property.", name);
        }
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Array
            ? null
            : new($"'{name}' must be a string or an array, got {Describe(value)}.", name);
    }

    /// <remarks>Completions take <c>max_tokens</c> 0 to score a prompt (with <c>echo</c>, which the worker checks).</remarks>
    private static OpenAiValidationError? ValidateOptionalFields(JsonElement body, OpenAiEndpoint endpoint) =>
        Optional(body, "stream", JsonValueKind.True, JsonValueKind.False, "a boolean")
        ?? Integer(body, "max_tokens", endpoint == OpenAiEndpoint.Completions ? 0 : 1)
        ?? Integer(body, "max_completion_tokens", 1)
        ?? Integer(body, "n", 1)
        ?? Optional(body, "temperature", JsonValueKind.Number, JsonValueKind.Number, "a number")
        ?? Optional(body, "top_p", JsonValueKind.Number, JsonValueKind.Number, "a number");

    private static OpenAiValidationError? Optional(JsonElement body, string name, JsonValueKind kind, JsonValueKind alternative, string expected)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == kind || value.ValueKind == alternative
            ? null
            : new($"'{name}' must be {expected}, got {Describe(value)}.", name);
    }

    private static OpenAiValidationError? Integer(JsonElement body, string name, int minimum)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= minimum
            ? null
            : new($"'{name}' must be an integer greater than or equal to {minimum}, got {value.GetRawText()}.", name);
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
