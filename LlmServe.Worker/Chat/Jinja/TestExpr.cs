namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>value is [not] name(args)</c>; the name was checked against the built-in tests at parse time.</summary>
internal sealed class TestExpr(int line, Expr value, string name, ArgumentList args, bool negated) : Expr(line)
{
    private readonly BuiltinTests.Test _test = BuiltinTests.Get(name);

    public override object? Evaluate(RenderContext ctx)
    {
        var input = value.Evaluate(ctx);
        return _test(input, args.Evaluate(ctx)) != negated;
    }
}
