namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>obj[key]</c>, or <c>obj.0</c>.</summary>
internal sealed class GetItemExpr(int line, Expr target, Expr key) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var obj = target.Evaluate(ctx);
        return Access.GetItem(obj, key.Evaluate(ctx));
    }
}
