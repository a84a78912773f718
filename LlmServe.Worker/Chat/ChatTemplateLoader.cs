using LlmServe.Worker.Chat.Jinja;

namespace LlmServe.Worker.Chat;

/// <summary>Parses a checkpoint's chat template at load time, so a template this worker cannot render fails the load.</summary>
internal static class ChatTemplateLoader
{
    /// <param name="source">The template text, or null/blank when the checkpoint has none.</param>
    /// <param name="origin">Where it came from, for the error message (file and key).</param>
    public static ChatTemplate? Parse(string? source, string origin)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return null;
        }
        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException ex)
        {
            throw new InvalidDataException($"{origin}: the chat template cannot be used: {ex.Message}", ex);
        }
    }
}
