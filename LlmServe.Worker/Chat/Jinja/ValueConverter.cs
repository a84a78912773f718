using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Turns the CLR and JSON values callers pass as template variables into template values.</summary>
/// <remarks>
/// JSON objects become ordered dicts (key order is kept, as Python's <c>json.loads</c> keeps it), arrays lists,
/// numbers ints when written without fraction or exponent and floats otherwise, as Python reads them.
/// </remarks>
internal static class ValueConverter
{
    public static object? FromClr(object? value) => value switch
    {
        null => null,
        string or bool or long or double or Undefined or Namespace or JinjaCallable => value,
        int or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        JsonElement json => FromJson(json),
        JinjaDict dict => Dict(dict.Select(kv => (kv.Key, kv.Value))),
        IDictionary<string, object?> dict => Dict(dict.Select(kv => ((object)kv.Key, kv.Value))),
        IReadOnlyDictionary<string, object?> dict => Dict(dict.Select(kv => ((object)kv.Key, kv.Value))),
        object?[] tuple => tuple.Select(FromClr).ToArray(),
        IEnumerable sequence => sequence.Cast<object?>().Select(FromClr).ToList(),
        _ => throw new ArgumentException($"A value of type {value.GetType().Name} cannot be passed to a chat template.", nameof(value)),
    };

    public static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => Dict(json.EnumerateObject().Select(p => ((object)p.Name, (object?)p.Value))),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => Number(json),
        _ => null,
    };

    private static object Number(JsonElement json)
    {
        var raw = json.GetRawText();
        return raw.AsSpan().IndexOfAny(".eE") < 0 && json.TryGetInt64(out var l) ? l : (object)json.GetDouble();
    }

    private static JinjaDict Dict(IEnumerable<(object Key, object? Value)> entries)
    {
        var dict = new JinjaDict();
        foreach (var (key, value) in entries)
        {
            dict[key] = FromClr(value);
        }
        return dict;
    }
}
