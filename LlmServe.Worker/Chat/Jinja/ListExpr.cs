namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A list literal <c>[a, b]</c>, or a tuple <c>(a, b)</c> / <c>a, b</c> when <see cref="IsTuple"/>.</summary>
internal sealed class ListExpr(int line, IReadOnlyList<Expr> items, bool isTuple) : Expr(line)
{
    public IReadOnlyList<Expr> Items { get; } = items;
    public bool IsTuple { get; } = isTuple;

    public override object? Evaluate(RenderContext ctx)
    {
        var values = Items.Select(i => i.Evaluate(ctx));
        return IsTuple ? values.ToArray() : values.ToList();
    }
}
