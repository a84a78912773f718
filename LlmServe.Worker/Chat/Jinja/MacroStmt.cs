namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// <c>{% macro name(a, b=default) %}...{% endmacro %}</c>: defines a callable in the current scope that renders its
/// body in a child of the defining scope and returns the text.
/// </summary>
internal sealed class MacroStmt(int line, string name, IReadOnlyList<(string Name, Expr? Default)> parameters, IReadOnlyList<Stmt> body)
    : Stmt(line)
{
    public string Name { get; } = name;

    public override Flow Render(RenderContext ctx)
    {
        var defining = ctx.Scope;
        ctx.Scope.Set(Name, new JinjaCallable(Name, args => Call(ctx, defining, args)));
        return Flow.Normal;
    }

    private string Call(RenderContext ctx, Scope defining, CallArgs args)
    {
        args.Expect(Name, parameters.Select(p => p.Name).ToArray());
        var scope = new Scope(defining);
        var saved = ctx.Scope;
        ctx.Scope = scope;
        try
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                var (param, fallback) = parameters[i];
                var value = args.Has(i, param) ? args.Get(i, param)
                    : fallback is not null ? fallback.Evaluate(ctx)
                    : new Undefined($"parameter '{param}' was not provided");
                scope.Set(param, value);
            }
        }
        finally
        {
            ctx.Scope = saved;
        }
        return ctx.Capture(body, scope);
    }
}
