namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A literal: string, number, <c>true</c>/<c>false</c> or <c>none</c>.</summary>
internal sealed class ConstExpr(int line, object? value) : Expr(line)
{
    public object? Value { get; } = value;

    public override object? Evaluate(RenderContext ctx) => Value;
}
