namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Template text outside tags, already trimmed by the lexer's whitespace rules.</summary>
internal sealed class TextStmt(int line, string text) : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        ctx.Output.Append(text);
        return Flow.Normal;
    }
}
