namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A template statement: text, output, or a <c>{% ... %}</c> tag with its body.</summary>
internal abstract class Stmt(int line)
{
    public int Line { get; } = line;

    public abstract Flow Render(RenderContext ctx);

    /// <summary>Renders statements in order until one breaks or continues; errors get the failing statement's line.</summary>
    public static Flow RenderBody(IReadOnlyList<Stmt> body, RenderContext ctx)
    {
        foreach (var stmt in body)
        {
            Flow flow;
            try
            {
                flow = stmt.Render(ctx);
            }
            catch (ChatTemplateException ex) when (ex.Line is null && !ex.RaisedByTemplate)
            {
                throw ex.AtLine(stmt.Line);
            }
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }
}
