namespace LlmServe.Worker.Chat;

/// <summary>
/// Turns chat messages into the prompt text the model was trained on.
/// </summary>
/// <remarks>
/// NOTE: base models without a chat template (such as TinyStories checkpoints) get their message contents joined
/// by newlines, so a chat request continues the user's text. Models that carry a Jinja chat template need the
/// template interpreter; until it exists they are rendered the same way.
/// </remarks>
internal static class ChatPromptRenderer
{
    public static string Render(IReadOnlyList<ChatMessage> messages, string? chatTemplate) =>
        string.Join("\n", messages.Where(m => m.Content.Length > 0).Select(m => m.Content));
}
