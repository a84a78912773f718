using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using LlmServe.Rag.Generation;

namespace LlmServe.Rag.Apis;

/// <summary>
/// Validates the body of <c>POST /v1/rag/query</c>. The body is read as a <see cref="JsonElement"/> rather than
/// bound to a type so every mistake gets an OpenAI-shaped 400 that names the parameter. Unknown fields are ignored,
/// as OpenAI does; an explicit <c>null</c> means "use the default".
/// </summary>
internal static class RagQueryParser
{
    public const int MaxQuestionLength = 4000;
    public const int MaxTopK = 20;

    public static bool TryParse(JsonElement body, [NotNullWhen(true)] out RagQuery? query, [NotNullWhen(false)] out RequestError? error)
    {
        query = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new RequestError("The request body must be a JSON object.", null);
            return false;
        }
        if (!body.TryGetProperty("question", out var questionElement) || questionElement.ValueKind == JsonValueKind.Null)
        {
            error = new RequestError("Missing required parameter: 'question'.", "question");
            return false;
        }
        if (questionElement.ValueKind != JsonValueKind.String)
        {
            error = new RequestError("'question' must be a string.", "question");
            return false;
        }
        var question = questionElement.GetString() ?? "";
        if (string.IsNullOrWhiteSpace(question))
        {
            error = new RequestError("'question' must not be empty.", "question");
            return false;
        }
        if (question.Length > MaxQuestionLength)
        {
            error = new RequestError(
                $"'question' is too long: {question.Length} characters, the maximum is {MaxQuestionLength}.", "question");
            return false;
        }
        if (!TryGetInt(body, "top_k", 1, MaxTopK, out var topK, out error)
            || !TryGetInt(body, "max_tokens", 1, int.MaxValue, out var maxTokens, out error))
        {
            return false;
        }
        string? model = null;
        if (body.TryGetProperty("model", out var modelElement) && modelElement.ValueKind != JsonValueKind.Null)
        {
            if (modelElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(modelElement.GetString()))
            {
                error = new RequestError("'model' must be a non-empty string.", "model");
                return false;
            }
            model = modelElement.GetString();
        }
        query = new RagQuery(question, topK, model, maxTokens);
        error = null;
        return true;
    }

    private static bool TryGetInt(JsonElement body, string name, int min, int max, out int? value, [NotNullWhen(false)] out RequestError? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var number))
        {
            error = new RequestError($"'{name}' must be an integer.", name);
            return false;
        }
        if (number < min || number > max)
        {
            error = new RequestError(max == int.MaxValue
                ? $"'{name}' must be at least {min}; got {number}."
                : $"'{name}' must be between {min} and {max}; got {number}.", name);
            return false;
        }
        value = number;
        return true;
    }
}
