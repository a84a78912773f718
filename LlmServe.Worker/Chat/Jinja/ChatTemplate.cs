namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// A model's Jinja chat template, parsed once and rendered per request the way Hugging Face transformers renders
/// it: jinja2 with <c>trim_blocks</c>, <c>lstrip_blocks</c>, the loop controls extension, an immutable sandbox,
/// <c>raise_exception</c>, <c>strftime_now</c> and a <c>tojson</c> that leaves non-ASCII text as it is.
/// </summary>
/// <remarks>
/// Syntax or names this interpreter does not implement fail in <see cref="Parse"/>, so a model whose template
/// cannot be rendered faithfully fails to load instead of producing a wrong prompt.
/// </remarks>
internal sealed class ChatTemplate
{
    private readonly IReadOnlyList<Stmt> _body;

    private ChatTemplate(string source, IReadOnlyList<Stmt> body)
    {
        Source = source;
        _body = body;
    }

    public string Source { get; }

    /// <exception cref="ChatTemplateException">The template uses unknown or unsupported syntax; the message names it and its line.</exception>
    public static ChatTemplate Parse(string source) => new(source, Parser.Parse(source));

    /// <summary>Renders the template with <paramref name="variables"/> (such as <c>messages</c>, <c>tools</c>,
    /// <c>add_generation_prompt</c>, <c>bos_token</c>).</summary>
    /// <param name="variables">Values may be null, string, bool, integers, floating point numbers,
    /// <see cref="System.Text.Json.JsonElement"/>, dictionaries with string keys, or other sequences.</param>
    /// <param name="clock">The time <c>strftime_now</c> reads; the system clock when null.</param>
    /// <exception cref="ChatTemplateException">Rendering failed, or the template called <c>raise_exception</c>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        var globals = new Scope(null);
        BuiltinGlobals.AddTo(globals, clock);
        var root = new Scope(globals);
        foreach (var (name, value) in variables)
        {
            root.Set(name, ValueConverter.FromClr(value));
        }
        var ctx = new RenderContext(root, clock);
        Stmt.RenderBody(_body, ctx);
        return ctx.Output.ToString();
    }
}
