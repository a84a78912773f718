namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// <c>{% for target in iterable if condition %}...{% else %}...{% endfor %}</c>.
/// </summary>
/// <remarks>
/// The <c>if</c> filter runs first, so <c>loop.index</c>, <c>loop.length</c> and <c>loop.last</c> count only the kept
/// items. Every iteration starts from a fresh child scope: a <c>set</c> in the body does not survive into the next
/// iteration or after the loop, exactly as in jinja2. The <c>else</c> body runs when no item was kept.
/// </remarks>
internal sealed class ForStmt(int line, AssignTarget target, Expr iterable, Expr? condition, IReadOnlyList<Stmt> body, IReadOnlyList<Stmt> otherwise)
    : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        var outer = ctx.Scope;
        var items = Values.Iterate(iterable.Evaluate(ctx));
        if (condition is not null)
        {
            items = items.Where(item => Values.IsTrue(EvaluateIn(ctx, new Scope(outer), item, condition))).ToList();
        }
        if (items.Count == 0)
        {
            ctx.Scope = new Scope(outer);
            try
            {
                RenderBody(otherwise, ctx);
            }
            finally
            {
                ctx.Scope = outer;
            }
            return Flow.Normal;
        }
        var loop = new LoopInfo(items);
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                loop.Index0 = i;
                ctx.Scope = new Scope(outer);
                ctx.Scope.Set("loop", loop);
                target.Assign(ctx.Scope, items[i]);
                if (RenderBody(body, ctx) == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            ctx.Scope = outer;
        }
        return Flow.Normal;
    }

    private object? EvaluateIn(RenderContext ctx, Scope scope, object? item, Expr expr)
    {
        var saved = ctx.Scope;
        ctx.Scope = scope;
        try
        {
            target.Assign(scope, item);
            return expr.Evaluate(ctx);
        }
        finally
        {
            ctx.Scope = saved;
        }
    }
}
