namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A comparison chain such as <c>a == b</c>, <c>x in y</c> or <c>0 &lt; i &lt; n</c> (each link must hold).</summary>
internal sealed class CompareExpr(int line, Expr first, IReadOnlyList<(string Op, Expr Operand)> rest) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var left = first.Evaluate(ctx);
        foreach (var (op, operand) in rest)
        {
            var right = operand.Evaluate(ctx);
            if (!Holds(op, left, right))
            {
                return false;
            }
            left = right;
        }
        return true;
    }

    private static bool Holds(string op, object? a, object? b) => op switch
    {
        "==" => Values.Equal(a, b),
        "!=" => !Values.Equal(a, b),
        "<" => Values.Compare(a, b, op) < 0,
        "<=" => Values.Compare(a, b, op) <= 0,
        ">" => Values.Compare(a, b, op) > 0,
        ">=" => Values.Compare(a, b, op) >= 0,
        "in" => Values.Contains(b, a),
        _ => !Values.Contains(b, a),
    };
}
