namespace LlmServe.Worker.Chat.Jinja;

/// <summary><c>{{ expression }}</c>: writes Python's <c>str()</c> of the value (Undefined writes nothing).</summary>
internal sealed class OutputStmt(int line, Expr value) : Stmt(line)
{
    public override Flow Render(RenderContext ctx)
    {
        ctx.Output.Append(PyFormat.Str(value.Evaluate(ctx)));
        return Flow.Normal;
    }
}
