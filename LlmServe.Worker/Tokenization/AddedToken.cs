namespace LlmServe.Worker.Tokenization;

/// <summary>
/// A token matched as a whole in the input text before any other processing (Hugging Face <c>added_tokens</c>, GGUF
/// control and user-defined tokens): chat markers such as "&lt;|im_start|&gt;" must become one id, never be split.
/// </summary>
/// <param name="Special">A control token: decodes to nothing (as with <c>skip_special_tokens=True</c>).</param>
/// <param name="LStrip">The match swallows the whitespace on its left.</param>
/// <param name="RStrip">The match swallows the whitespace on its right.</param>
/// <param name="SingleWord">Only matches when not glued to a letter, digit or underscore on either side.</param>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip = false, bool RStrip = false, bool SingleWord = false);
