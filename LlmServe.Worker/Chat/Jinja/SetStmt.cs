namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{% set target = value %}</c>, into the current scope.</summary>
internal sealed class SetStmt(int line, AssignTarget target, Expr value) : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        target.Assign(ctx.Scope, value.Evaluate(ctx));
        return Flow.Normal;
    }
}
