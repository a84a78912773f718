namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>obj[start:stop:step]</c> with any part left out.</summary>
internal sealed class SliceExpr(int line, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var obj = target.Evaluate(ctx);
        return Access.Slice(obj, start?.Evaluate(ctx), stop?.Evaluate(ctx), step?.Evaluate(ctx));
    }
}
