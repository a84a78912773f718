using System.Text.Json;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// Compiles a JSON schema to a byte-level regular expression whose every match is compact JSON valid against the
/// schema: objects list their declared properties in order (all of them, which also satisfies "required"),
/// arrays respect minItems/maxItems, strings minLength/maxLength and enums, numbers a bounded digit count.
/// </summary>
internal sealed class JsonSchemaCompiler(JsonElement root)
{
    private const int MaxDepth = 12;
    private const int AnyJsonDepth = 2;

    public static Rx Compile(JsonElement schema) => new JsonSchemaCompiler(schema).Value(schema, 0);

    /// <summary>Any JSON object (OpenAI's <c>json_object</c> mode), nested at most a few levels.</summary>
    public static Rx AnyObject() => JsonRx.AnyObject(AnyJsonDepth);

    private Rx Value(JsonElement s, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The schema nests deeper than {MaxDepth} levels (or is recursive).");
        }
        if (s.ValueKind == JsonValueKind.True || (s.ValueKind == JsonValueKind.Object && !s.EnumerateObject().Any()))
        {
            return JsonRx.AnyValue(AnyJsonDepth);
        }
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Every schema must be an object or true.");
        }
        if (s.TryGetProperty("$ref", out var reference))
        {
            return Value(Resolve(reference.GetString() ?? ""), depth + 1);
        }
        if (s.TryGetProperty("enum", out var values))
        {
            return Rx.Alt(values.EnumerateArray().Select(v => Rx.Literal(JsonSerializer.Serialize(v))).ToArray());
        }
        if (s.TryGetProperty("const", out var constant))
        {
            return Rx.Literal(JsonSerializer.Serialize(constant));
        }
        foreach (var combinator in new[] { "anyOf", "oneOf" })
        {
            if (s.TryGetProperty(combinator, out var options))
            {
                return Rx.Alt(options.EnumerateArray().Select(o => Value(o, depth + 1)).ToArray());
            }
        }
        if (s.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1)
        {
            return Value(all[0], depth + 1);
        }
        if (!s.TryGetProperty("type", out var type))
        {
            return s.TryGetProperty("properties", out _) ? Object(s, depth) : JsonRx.AnyValue(AnyJsonDepth);
        }
        return type.ValueKind == JsonValueKind.Array
            ? Rx.Alt(type.EnumerateArray().Select(t => Typed(t.GetString() ?? "", s, depth)).ToArray())
            : Typed(type.GetString() ?? "", s, depth);
    }

    private Rx Typed(string type, JsonElement s, int depth) => type switch
    {
        "object" => Object(s, depth),
        "array" => Array(s, depth),
        "string" => JsonRx.String(Int(s, "minLength") ?? 0, Int(s, "maxLength")),
        "integer" => JsonRx.Integer,
        "number" => JsonRx.Number,
        "boolean" => Rx.Alt(Rx.Literal("true"), Rx.Literal("false")),
        "null" => Rx.Literal("null"),
        _ => throw new ArgumentException($"Unsupported schema type '{type}'."),
    };

    private Rx Object(JsonElement s, int depth)
    {
        if (!s.TryGetProperty("properties", out var properties) || !properties.EnumerateObject().Any())
        {
            return JsonRx.AnyObject(AnyJsonDepth);
        }
        var parts = new List<Rx> { Rx.Literal("{") };
        var first = true;
        foreach (var p in properties.EnumerateObject())
        {
            parts.Add(Rx.Literal((first ? "" : ",") + JsonSerializer.Serialize(p.Name) + ":"));
            parts.Add(Value(p.Value, depth + 1));
            first = false;
        }
        parts.Add(Rx.Literal("}"));
        return Rx.Seq([.. parts]);
    }

    private Rx Array(JsonElement s, int depth)
    {
        var item = s.TryGetProperty("items", out var items) ? Value(items, depth + 1) : JsonRx.AnyValue(AnyJsonDepth);
        var min = Int(s, "minItems") ?? 0;
        var max = Int(s, "maxItems");
        if (max == 0)
        {
            return Rx.Literal("[]");
        }
        var rest = Rx.Repeat(Rx.Seq(Rx.Literal(","), item), Math.Max(0, min - 1), max - 1);
        var body = Rx.Seq(item, rest);
        return Rx.Seq(Rx.Literal("["), min == 0 ? Rx.Optional(body) : body, Rx.Literal("]"));
    }

    private JsonElement Resolve(string reference)
    {
        foreach (var prefix in new[] { "#/$defs/", "#/definitions/" })
        {
            if (reference.StartsWith(prefix, StringComparison.Ordinal)
                && root.TryGetProperty(prefix[2..^1], out var defs) && defs.TryGetProperty(reference[prefix.Length..], out var target))
            {
                return target;
            }
        }
        throw new ArgumentException($"Unresolvable $ref '{reference}' (only #/$defs/... and #/definitions/... are supported).");
    }

    private static int? Int(JsonElement s, string name) =>
        s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
