namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{% if %}...{% elif %}...{% else %}...{% endif %}</c>; branches share the enclosing scope.</summary>
internal sealed class IfStmt(int line, IReadOnlyList<(Expr Condition, IReadOnlyList<Stmt> Body)> branches, IReadOnlyList<Stmt> otherwise)
    : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        foreach (var (condition, body) in branches)
        {
            if (Values.IsTrue(condition.Evaluate(ctx)))
            {
                return RenderBody(body, ctx);
            }
        }
        return RenderBody(otherwise, ctx);
    }
}
