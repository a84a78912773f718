namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>value | name(args)</c>; the name was checked against the built-in filters at parse time.</summary>
internal sealed class FilterExpr(int line, Expr value, string name, ArgumentList args) : Expr(line)
{
    private readonly BuiltinFilters.Filter _filter = BuiltinFilters.Get(name);

    public override object? Evaluate(RenderContext ctx)
    {
        var input = value.Evaluate(ctx);
        return _filter(input, args.Evaluate(ctx));
    }
}
