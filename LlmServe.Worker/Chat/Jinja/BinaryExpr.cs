namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Arithmetic (<c>+ - * / // % **</c>) and string concatenation (<c>~</c>).</summary>
internal sealed class BinaryExpr(int line, string op, Expr left, Expr right) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var l = left.Evaluate(ctx);
        return Operators.Binary(op, l, right.Evaluate(ctx));
    }
}
