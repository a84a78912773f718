using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The state of one render: where output goes, the current scope, and the clock for <c>strftime_now</c>.</summary>
internal sealed class RenderContext(Scope scope, TimeProvider clock)
{
    private const int MaxCallDepth = 100;
    private int _callDepth;

    public StringBuilder Output { get; private set; } = new();
    public Scope Scope { get; set; } = scope;
    public TimeProvider Clock { get; } = clock;

    /// <summary>Renders <paramref name="body"/> into a fresh buffer and returns what it wrote (block set, filter blocks, macros).</summary>
    public string Capture(IReadOnlyList<Stmt> body, Scope scope)
    {
        var (savedOutput, savedScope) = (Output, Scope);
        Output = new StringBuilder();
        Scope = scope;
        if (++_callDepth > MaxCallDepth)
        {
            throw new ChatTemplateException("maximum recursion depth exceeded");
        }
        try
        {
            Stmt.RenderBody(body, this);
            return Output.ToString();
        }
        finally
        {
            _callDepth--;
            (Output, Scope) = (savedOutput, savedScope);
        }
    }
}
