namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{% filter name(args) %}...{% endfilter %}</c>: writes the body's output passed through the filters.</summary>
internal sealed class FilterBlockStmt(int line, IReadOnlyList<(string Name, ArgumentList Args)> filters, IReadOnlyList<Stmt> body)
    : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        object? value = ctx.Capture(body, ctx.Scope);
        foreach (var (name, args) in filters)
        {
            value = BuiltinFilters.Get(name)(value, args.Evaluate(ctx));
        }
        ctx.Output.Append(PyFormat.Str(value));
        return Flow.Normal;
    }
}
