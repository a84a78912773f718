namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{% set name %}...{% endset %}</c>: assigns what the body renders.</summary>
internal sealed class BlockSetStmt(int line, AssignTarget target, IReadOnlyList<Stmt> body) : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        target.Assign(ctx.Scope, ctx.Capture(body, ctx.Scope));
        return Flow.Normal;
    }
}
