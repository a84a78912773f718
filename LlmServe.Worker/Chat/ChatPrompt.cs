namespace LlmServe.Worker.Chat;

/// <summary>
/// A chat request turned into prompt text. <see cref="FromTemplate"/> says the model's chat template wrote it, and
/// <see cref="StartsWithBos"/> that the template already wrote the BOS token text, so the caller must not add BOS again.
/// </summary>
internal sealed record ChatPrompt(string Text, bool FromTemplate, bool StartsWithBos);
