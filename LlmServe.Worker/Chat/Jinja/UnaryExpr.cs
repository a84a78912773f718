namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>not x</c>, <c>-x</c> or <c>+x</c>.</summary>
internal sealed class UnaryExpr(int line, string op, Expr operand) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var value = operand.Evaluate(ctx);
        return op switch
        {
            "not" => !Values.IsTrue(value),
            "-" => Operators.Negate(value),
            _ => Operators.Plus(value),
        };
    }
}
