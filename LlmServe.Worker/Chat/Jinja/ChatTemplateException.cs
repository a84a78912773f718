namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// A chat template that cannot be parsed, failed while rendering, or called <c>raise_exception</c>.
/// </summary>
/// <remarks>
/// <see cref="RaisedByTemplate"/> marks messages the template wrote itself (such as "roles must alternate"); they are
/// kept verbatim because they describe a problem with the request, not with the template.
/// </remarks>
internal sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string detail, int? line = null, bool raisedByTemplate = false)
        : base(raisedByTemplate || line is null ? detail : $"Chat template error at line {line}: {detail}")
    {
        Detail = detail;
        Line = line;
        RaisedByTemplate = raisedByTemplate;
    }

    /// <summary>The message without the line prefix.</summary>
    public string Detail { get; }

    /// <summary>The template line the error belongs to, when known.</summary>
    public int? Line { get; }

    public bool RaisedByTemplate { get; }

    /// <summary>Attaches a line to an error raised where the line was not known yet.</summary>
    public ChatTemplateException AtLine(int line) =>
        Line is null && !RaisedByTemplate ? new ChatTemplateException(Detail, line) : this;
}
