namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Hugging Face's Metaspace pre-tokenizer: spaces become "▁", a "▁" is put in front per the prepend scheme, and with
/// <paramref name="Split"/> the text is cut in front of every "▁" (each word keeps its leading marker).
/// </summary>
/// <param name="PrependScheme">"always", "first" (only the piece at the very start of the input) or "never".</param>
internal sealed record Metaspace(char Replacement, string PrependScheme, bool Split)
{
    public IEnumerable<string> Run(string text, bool atStartOfInput)
    {
        text = text.Replace(' ', Replacement);
        var prepend = PrependScheme == "always" || (PrependScheme == "first" && atStartOfInput);
        if (prepend && !text.StartsWith(Replacement))
        {
            text = Replacement + text;
        }
        if (!Split)
        {
            return [text];
        }
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == Replacement)
            {
                words.Add(text[start..i]);
                start = i;
            }
        }
        words.Add(text[start..]);
        return words;
    }
}
