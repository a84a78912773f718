namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>What a request's output must match: a JSON schema, any JSON object, a regex, one of several choices, or forced tool calls.</summary>
internal sealed record OutputConstraint(OutputConstraintKind Kind, string Spec)
{
    /// <summary>Compiles the constraint to a byte-level expression; ArgumentException for a bad spec.</summary>
    public Rx ToRx() => Kind switch
    {
        OutputConstraintKind.JsonSchema => JsonSchemaCompiler.Compile(System.Text.Json.JsonDocument.Parse(Spec).RootElement.Clone()),
        OutputConstraintKind.JsonObject => JsonSchemaCompiler.AnyObject(),
        OutputConstraintKind.Regex => RegexParser.Parse(Spec),
        OutputConstraintKind.Choice => Rx.Alt(System.Text.Json.JsonSerializer.Deserialize<string[]>(Spec)!.Select(Rx.Literal).ToArray()),
        OutputConstraintKind.ToolCalls => ToolCallGrammar.Compile(Spec),
        _ => throw new ArgumentException($"Unknown constraint kind {Kind}."),
    };
}

internal enum OutputConstraintKind
{
    JsonSchema,
    JsonObject,
    Regex,
    Choice,
    ToolCalls,
}
