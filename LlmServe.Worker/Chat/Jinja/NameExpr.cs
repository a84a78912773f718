namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A variable reference; unknown names evaluate to <see cref="Undefined"/>.</summary>
internal sealed class NameExpr(int line, string name) : Expr(line)
{
    public string Name { get; } = name;

    public override object? Evaluate(RenderContext ctx) => ctx.Scope.Get(Name);
}
