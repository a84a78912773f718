namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>a if cond else b</c>; without <c>else</c> a false condition gives Undefined.</summary>
internal sealed class CondExpr(int line, Expr condition, Expr then, Expr? otherwise) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx) => Values.IsTrue(condition.Evaluate(ctx))
        ? then.Evaluate(ctx)
        : otherwise is null ? new Undefined("the inline if-expression evaluated to false and no else section was defined") : otherwise.Evaluate(ctx);
}
