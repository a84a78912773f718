using System.Globalization;
using System.Text;

namespace LlmServe.Rag.Ingestion;

/// <summary>
/// Counts the tokens an uncased BERT WordPiece tokenizer (all-MiniLM-L6-v2's) makes of a text: BERT's basic
/// tokenization (drop control characters, lower-case, strip accents, split on whitespace and punctuation, CJK
/// characters on their own), then greedy longest-match-first WordPiece over the vocabulary, a word that does not
/// decompose (or is over 100 characters) being one [UNK]. Only counts are needed, so no ids are produced.
/// </summary>
internal sealed class WordPieceCounter
{
    private const int MaxCharsPerWord = 100;
    private const string Continuation = "##";

    private readonly HashSet<string> vocabulary;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public WordPieceCounter(IEnumerable<string> vocabulary)
    {
        this.vocabulary = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        lookup = this.vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static WordPieceCounter Load(Stream vocabTxt)
    {
        using var reader = new StreamReader(vocabTxt, Encoding.UTF8);
        List<string> lines = [];
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return new WordPieceCounter(lines);
    }

    public int Count(string text)
    {
        var count = 0;
        var word = new StringBuilder();
        foreach (var c in Normalize(text))
        {
            if (char.IsWhiteSpace(c) || IsPunctuation(c) || IsCjk(c))
            {
                count += CountWord(word);
                word.Clear();
                if (!char.IsWhiteSpace(c))
                {
                    // Punctuation and CJK characters are words of their own.
                    word.Append(c);
                    count += CountWord(word);
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }
        return count + CountWord(word);
    }

    private int CountWord(StringBuilder builder)
    {
        if (builder.Length == 0)
        {
            return 0;
        }
        var word = builder.ToString();
        if (word.Length > MaxCharsPerWord)
        {
            return 1;
        }
        var pieces = 0;
        var start = 0;
        Span<char> candidate = stackalloc char[MaxCharsPerWord + Continuation.Length];
        while (start < word.Length)
        {
            var end = word.Length;
            var found = false;
            for (; end > start; end--)
            {
                var length = 0;
                if (start > 0)
                {
                    Continuation.CopyTo(candidate);
                    length = Continuation.Length;
                }
                word.AsSpan(start, end - start).CopyTo(candidate[length..]);
                if (lookup.Contains(candidate[..(length + end - start)]))
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return 1;   // the whole word becomes [UNK]
            }
            pieces++;
            start = end;
        }
        return pieces;
    }

    /// <summary>BERT's cleaning and uncased normalisation: no control characters, no accents, lower case.</summary>
    private static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogatePair(text, i))
            {
                AccentTable.Fold(char.ConvertToUtf32(c, text[++i]), result);
                continue;
            }
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark || c == '\0' || c == '\uFFFD')
            {
                continue;
            }
            // Tabs and newlines are whitespace; other control and format characters are dropped.
            if (c is '\t' or '\n' or '\r')
            {
                result.Append(' ');
            }
            else if (category is not (UnicodeCategory.Control or UnicodeCategory.Format))
            {
                AccentTable.Fold(c, result);
            }
        }
        // Folding first, as the worker does: U+0130 (İ) folds to a plain I before lower-casing.
        return result.ToString().ToLowerInvariant();
    }

    /// <summary>BERT treats every non-alphanumeric ASCII symbol as punctuation, plus Unicode punctuation.</summary>
    private static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>The CJK Unified Ideographs blocks BERT splits per character (those in the BMP).</summary>
    private static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';
}
