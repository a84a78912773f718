namespace LlmServe.Worker.Chat.Jinja;

/// <summary>One lexer token; <see cref="Value"/> holds decoded text for strings and the spelling otherwise.</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Line)
{
    public bool Is(JinjaTokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string name) => Is(JinjaTokenKind.Name, name);

    public bool IsOperator(string op) => Is(JinjaTokenKind.Operator, op);

    public override string ToString() => Kind switch
    {
        JinjaTokenKind.End => "end of template",
        JinjaTokenKind.BlockEnd => "'%}'",
        JinjaTokenKind.VariableEnd => "'}}'",
        JinjaTokenKind.String => $"string '{Value}'",
        _ => $"'{Value}'",
    };
}
