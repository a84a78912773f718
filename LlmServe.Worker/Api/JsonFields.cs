using System.Text.Json;

namespace LlmServe.Worker.Api;

/// <summary>Typed, validated reads of OpenAI request fields; every failure names the offending parameter.</summary>
internal static class JsonFields
{
    public static bool IsAbsent(JsonElement root, string name, out JsonElement value) =>
        !root.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null;

    public static string RequiredString(JsonElement root, string name) =>
        IsAbsent(root, name, out var v) ? throw new RequestValidationException(name, $"'{name}' is required.")
        : v.ValueKind == JsonValueKind.String ? v.GetString()! // ValueKind checked just above
        : throw new RequestValidationException(name, $"'{name}' must be a string.");

    public static int? OptionalInt(JsonElement root, string name, int min, int max = int.MaxValue)
    {
        if (IsAbsent(root, name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
        {
            throw new RequestValidationException(name, $"'{name}' must be an integer.");
        }
        return n < min || n > max
            ? throw new RequestValidationException(name, $"'{name}' must be between {min} and {max}, got {n}.")
            : (int)n;
    }

    public static long? OptionalLong(JsonElement root, string name) =>
        IsAbsent(root, name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n
        : throw new RequestValidationException(name, $"'{name}' must be an integer.");

    public static double? OptionalNumber(JsonElement root, string name, double min, double max)
    {
        if (IsAbsent(root, name, out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw new RequestValidationException(name, $"'{name}' must be a number.");
        }
        var x = v.GetDouble();
        return x < min || x > max ? throw new RequestValidationException(name, $"'{name}' must be between {min} and {max}, got {x}.") : x;
    }

    public static bool OptionalBool(JsonElement root, string name, bool fallback) =>
        IsAbsent(root, name, out var v) ? fallback
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new RequestValidationException(name, $"'{name}' must be a boolean.");

    /// <summary>A string or an array of strings (OpenAI's <c>stop</c>).</summary>
    public static IReadOnlyList<string> StringOrStrings(JsonElement root, string name, int maxCount)
    {
        if (IsAbsent(root, name, out var v))
        {
            return [];
        }
        List<string> values = v.ValueKind switch
        {
            JsonValueKind.String => [v.GetString()!],
            JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                v.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw new RequestValidationException(name, $"'{name}' must be a string or an array of strings."),
        };
        if (values.Count > maxCount || values.Any(s => s.Length == 0))
        {
            throw new RequestValidationException(name, $"'{name}' takes at most {maxCount} non-empty strings.");
        }
        return values;
    }

    public static IReadOnlyList<int> OptionalIntArray(JsonElement root, string name) =>
        IsAbsent(root, name, out var v) ? []
        : v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _))
            ? v.EnumerateArray().Select(e => e.GetInt32()).ToList()
            : throw new RequestValidationException(name, $"'{name}' must be an array of integers.");
}
