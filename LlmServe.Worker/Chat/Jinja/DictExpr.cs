namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A dict literal <c>{'a': 1}</c>.</summary>
internal sealed class DictExpr(int line, IReadOnlyList<(Expr Key, Expr Value)> entries) : Expr(line)
{
    public override object? Evaluate(RenderContext ctx)
    {
        var dict = new JinjaDict();
        foreach (var (key, value) in entries)
        {
            dict[key.Evaluate(ctx) ?? throw new ChatTemplateException("None is not supported as a dict key")] = value.Evaluate(ctx);
        }
        return dict;
    }
}
