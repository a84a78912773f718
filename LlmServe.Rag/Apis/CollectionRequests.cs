using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using LlmServe.Rag.Collections;
using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Apis;

/// <summary>Validation of the collection endpoints' JSON bodies; every mistake becomes a 400 naming the parameter.</summary>
internal static class CollectionRequests
{
    public const int MaxDocumentIdLength = 512;

    public static bool TryParseCreate(JsonElement body, [NotNullWhen(true)] out (string Name, string? Model, int? Dimension)? create,
        [NotNullWhen(false)] out RequestError? error)
    {
        create = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new RequestError("The request body must be a JSON object.", null);
            return false;
        }
        if (!body.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !CollectionNames.IsValid(name.GetString()))
        {
            error = new RequestError(
                $"'name' must be lower-case letters, digits and '_', starting with a letter, at most {CollectionNames.MaxLength} characters.", "name");
            return false;
        }
        string? model = null;
        if (body.TryGetProperty("embedding_model", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(m.GetString()))
            {
                error = new RequestError("'embedding_model' must be a non-empty string.", "embedding_model");
                return false;
            }
            model = m.GetString();
        }
        int? dimension = null;
        if (body.TryGetProperty("dimension", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var value) || value is < 1 or > 16384)
            {
                error = new RequestError("'dimension' must be an integer between 1 and 16384.", "dimension");
                return false;
            }
            dimension = value;
        }
        create = (name.GetString()!, model, dimension);
        error = null;
        return true;
    }

    /// <summary>A collection query: the <c>/v1/rag/query</c> fields plus <c>filter</c> (string to string) and <c>hybrid</c>.</summary>
    public static bool TryParseQuery(string collection, JsonElement body, [NotNullWhen(true)] out CollectionQuery? query,
        out bool stream, [NotNullWhen(false)] out RequestError? error)
    {
        query = null;
        stream = false;
        if (!RagQueryParser.TryParse(body, out var basic, out error)
            || !TryGetBool(body, "hybrid", out var hybrid, out error)
            || !TryGetBool(body, "stream", out stream, out error)
            || !TryGetFilter(body, out var filter, out error))
        {
            return false;
        }
        query = new CollectionQuery(collection, basic.Question, basic.TopK, filter, hybrid, basic.Model, basic.MaxTokens);
        return true;
    }

    public static bool IsValidDocumentId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxDocumentIdLength && !id.Any(char.IsControl);

    private static bool TryGetBool(JsonElement body, string name, out bool value, [NotNullWhen(false)] out RequestError? error)
    {
        value = false;
        error = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = new RequestError($"'{name}' must be a boolean.", name);
            return false;
        }
        value = element.GetBoolean();
        return true;
    }

    private static bool TryGetFilter(JsonElement body, out VectorFilter? filter, [NotNullWhen(false)] out RequestError? error)
    {
        filter = null;
        error = null;
        if (!body.TryGetProperty("filter", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            error = new RequestError("'filter' must be an object of string values, e.g. {\"document\": \"guide.md\"}.", "filter");
            return false;
        }
        filter = VectorFilter.FromPairs(element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal));
        return true;
    }
}
