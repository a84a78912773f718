using System.Text.Json;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.StructuredOutput;

namespace LlmServe.Worker.Api;

/// <summary>
/// Reads an output constraint from OpenAI's <c>response_format</c> (json_object, json_schema) or vLLM's
/// <c>structured_outputs</c> (json, regex, choice) and its older <c>guided_json/guided_regex/guided_choice</c> fields,
/// and compiles it against the engine's tokenizer.
/// </summary>
internal static class ConstraintReader
{
    /// <summary>A constraint and the request field it was read from, which its errors name.</summary>
    public readonly record struct Requested(OutputConstraint Constraint, string Param);

    public static Requested? Read(JsonElement root)
    {
        if (!JsonFields.IsAbsent(root, "response_format", out var format))
        {
            var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    break;
                case "json_object":
                    return new Requested(new OutputConstraint(OutputConstraintKind.JsonObject, ""), "response_format");
                case "json_schema" when format.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object
                                        && js.TryGetProperty("schema", out var schema):
                    return Schema(schema, "response_format");
                default:
                    throw new RequestValidationException("response_format",
                        "'response_format' must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or {\"type\":\"json_schema\",\"json_schema\":{\"schema\":{...}}}.");
            }
        }
        if (!JsonFields.IsAbsent(root, "structured_outputs", out var so))
        {
            if (so.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException("structured_outputs", "'structured_outputs' must be an object.");
            }
            return FromFields(so, "structured_outputs", "json", "regex", "choice");
        }
        return FromFields(root, null, "guided_json", "guided_regex", "guided_choice");
    }

    public static SamplingParams Apply(SamplingParams sampling, Requested? requested, InferenceEngine engine)
    {
        if (requested is not { } r)
        {
            return sampling;
        }
        try
        {
            return sampling with { Grammar = engine.Constraints.Compile(r.Constraint) };
        }
        catch (ArgumentException ex)
        {
            throw new RequestValidationException(r.Param, $"The output constraint cannot be used: {ex.Message}");
        }
    }

    private static Requested? FromFields(JsonElement e, string? parent, string json, string regex, string choice)
    {
        string Param(string name) => parent is null ? name : $"{parent}.{name}";
        if (!JsonFields.IsAbsent(e, json, out var schema))
        {
            if (schema.ValueKind != JsonValueKind.String)
            {
                return Schema(schema, Param(json));
            }
            try
            {
                using var parsed = JsonDocument.Parse(schema.GetString()!);
                return Schema(parsed.RootElement, Param(json));
            }
            catch (JsonException ex)
            {
                throw new RequestValidationException(Param(json), $"'{Param(json)}' is not valid JSON: {ex.Message}");
            }
        }
        if (!JsonFields.IsAbsent(e, regex, out var pattern))
        {
            return pattern.ValueKind == JsonValueKind.String
                ? new Requested(new OutputConstraint(OutputConstraintKind.Regex, pattern.GetString()!), Param(regex))
                : throw new RequestValidationException(Param(regex), $"'{Param(regex)}' must be a string.");
        }
        if (!JsonFields.IsAbsent(e, choice, out var choices))
        {
            return choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                   && choices.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0)
                ? new Requested(new OutputConstraint(OutputConstraintKind.Choice, choices.GetRawText()), Param(choice))
                : throw new RequestValidationException(Param(choice), $"'{Param(choice)}' must be a non-empty array of non-empty strings.");
        }
        return null;
    }

    private static Requested Schema(JsonElement schema, string param) =>
        schema.ValueKind is JsonValueKind.Object or JsonValueKind.True
            ? new Requested(new OutputConstraint(OutputConstraintKind.JsonSchema, schema.GetRawText()), param)
            : throw new RequestValidationException(param, $"'{param}' must be a JSON schema object.");
}
