using System.Text;

namespace LlmServe.Rag.Retrieval;

/// <summary>Tokenisation for lexical search: maximal runs of letters or digits, lower-cased invariantly.</summary>
internal static class LexicalTokenizer
{
    /// <summary><c>"Paged KV-cache, 16 blocks"</c> gives <c>paged, kv, cache, 16, blocks</c>.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> tokens = [];
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
        return tokens;
    }
}
