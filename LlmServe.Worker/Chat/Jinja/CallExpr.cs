namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>f(args)</c>: a global function, a macro, or a method such as <c>content.strip()</c>.</summary>
internal sealed class CallExpr(int line, Expr callee, ArgumentList args) : Expr(line)
{
    public Expr Callee { get; } = callee;

    public override object? Evaluate(RenderContext ctx) => Callee.Evaluate(ctx) switch
    {
        JinjaCallable f => f.Invoke(args.Evaluate(ctx)),
        Undefined u => throw u.Error(),
        var other => throw new ChatTemplateException($"'{Values.TypeName(other)}' object is not callable"),
    };
}
