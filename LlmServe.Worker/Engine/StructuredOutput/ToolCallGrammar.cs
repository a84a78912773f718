using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// The shape forced tool calls must take: each call is <c>Open {"name": "f", "ArgumentsKey": ARGS} Close</c> where
/// ARGS matches f's parameters schema, and 1 to <c>MaxCalls</c> calls are joined by <c>Separator</c>. Serialized as an
/// <see cref="OutputConstraint"/> spec so equal tool sets share one compiled automaton.
/// </summary>
internal sealed record ToolCallGrammar(
    [property: JsonPropertyName("open")] string Open,
    [property: JsonPropertyName("close")] string Close,
    [property: JsonPropertyName("arguments_key")] string ArgumentsKey,
    [property: JsonPropertyName("separator")] string Separator,
    [property: JsonPropertyName("max_calls")] int MaxCalls,
    [property: JsonPropertyName("tools")] IReadOnlyList<ToolCallGrammar.Tool> Tools)
{
    /// <summary>A callable function; a null schema allows any JSON object.</summary>
    internal sealed record Tool([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("parameters")] JsonElement? Parameters);

    public OutputConstraint ToConstraint() => new(OutputConstraintKind.ToolCalls, JsonSerializer.Serialize(this));

    public static Rx Compile(string spec)
    {
        var grammar = JsonSerializer.Deserialize<ToolCallGrammar>(spec) ?? throw new ArgumentException("Empty tool-call grammar.");
        if (grammar.Tools.Count == 0 || grammar.MaxCalls < 1)
        {
            throw new ArgumentException("A forced tool call needs at least one tool.");
        }
        // The spacing matches what the chat templates show the model, which keeps its likeliest tokens allowed.
        var call = Rx.Alt(grammar.Tools.Select(t => Rx.Seq(
            Rx.Literal($"{grammar.Open}{{\"name\": {JsonSerializer.Serialize(t.Name)}, {JsonSerializer.Serialize(grammar.ArgumentsKey)}: "),
            t.Parameters is { } schema ? JsonSchemaCompiler.Compile(schema) : JsonSchemaCompiler.AnyObject(),
            Rx.Literal($"}}{grammar.Close}"))).ToArray());
        return grammar.MaxCalls == 1 ? call : Rx.Seq(call, Rx.Repeat(Rx.Seq(Rx.Literal(grammar.Separator), call), 0, grammar.MaxCalls - 1));
    }
}
