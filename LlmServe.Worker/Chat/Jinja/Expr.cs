namespace LlmServe.Worker.Chat.Jinja;

/// <summary>An expression node; evaluation follows jinja2's Python semantics.</summary>
internal abstract class Expr(int line)
{
    public int Line { get; } = line;

    public abstract object? Evaluate(RenderContext ctx);
}
