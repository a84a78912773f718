namespace LlmServe.Worker.Chat.Jinja;

/// <summary>How a statement finished: normally, or by <c>{% break %}</c> / <c>{% continue %}</c> inside a loop.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
