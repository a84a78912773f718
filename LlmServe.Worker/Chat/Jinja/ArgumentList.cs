namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The parsed arguments of a call, filter or test: <c>(a, b, name=c)</c>.</summary>
internal sealed class ArgumentList(IReadOnlyList<Expr> positional, IReadOnlyList<(string Name, Expr Value)> named)
{
    public static readonly ArgumentList None = new([], []);

    public IReadOnlyList<Expr> Positional { get; } = positional;
    public IReadOnlyList<(string Name, Expr Value)> Named { get; } = named;

    public CallArgs Evaluate(RenderContext ctx)
    {
        if (Positional.Count == 0 && Named.Count == 0)
        {
            return CallArgs.Empty;
        }
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        var positional = Positional.Select(p => p.Evaluate(ctx)).ToList();
        foreach (var (name, value) in Named)
        {
            named[name] = value.Evaluate(ctx);
        }
        return new CallArgs(positional, named);
    }
}
