namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>obj.name</c>.</summary>
internal sealed class GetAttrExpr(int line, Expr target, string name) : Expr(line)
{
    public Expr Target { get; } = target;
    public string Name { get; } = name;

    public override object? Evaluate(RenderContext ctx) => Access.GetAttr(Target.Evaluate(ctx), Name);
}
