namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{% break %}</c> or <c>{% continue %}</c> (jinja2's loop controls extension, which Hugging Face enables).</summary>
internal sealed class LoopControlStmt(int line, Flow flow) : Stmt(line)
{
    public override Flow Render(RenderContext ctx) => flow;
}
