namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>a and b</c> / <c>a or b</c>: short-circuit, returning an operand as Python does.</summary>
internal sealed class LogicalExpr(int line, bool isAnd, Expr left, Expr right) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var l = left.Evaluate(ctx);
        return Values.IsTrue(l) == isAnd ? right.Evaluate(ctx) : l;
    }
}
