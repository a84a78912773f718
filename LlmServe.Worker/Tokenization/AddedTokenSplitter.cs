namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Cuts text at added tokens, leftmost match first and the longest token at that position (Hugging Face matches
/// with a leftmost-longest Aho-Corasick automaton; this scans by first character, which gives the same result).
/// </summary>
internal sealed class AddedTokenSplitter
{
    /// <summary>One piece of the input: plain text to tokenize, or an added token's id.</summary>
    public readonly record struct Segment(string? Text, int Id, int Start);

    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    public List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        var textStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates))
            {
                continue;
            }
            var token = candidates.FirstOrDefault(t => Matches(text, i, t));
            if (token is null)
            {
                continue;
            }
            var (start, end) = (i, i + token.Content.Length);
            if (token.LStrip)
            {
                while (start > textStart && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }
            if (token.RStrip)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }
            if (start > textStart)
            {
                segments.Add(new Segment(text[textStart..start], -1, textStart));
            }
            segments.Add(new Segment(null, token.Id, start));
            textStart = end;
            i = end - 1;
        }
        if (textStart < text.Length)
        {
            segments.Add(new Segment(text[textStart..], -1, textStart));
        }
        return segments;
    }

    private static bool Matches(string text, int at, AddedToken token)
    {
        if (string.CompareOrdinal(text, at, token.Content, 0, token.Content.Length) != 0)
        {
            return false;
        }
        if (!token.SingleWord)
        {
            return true;
        }
        var end = at + token.Content.Length;
        return (at == 0 || !IsWordChar(text[at - 1])) && (end == text.Length || !IsWordChar(text[end]));
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
