using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// BERT's text clean-up and word split, as Hugging Face's BertNormalizer + BertPreTokenizer do it: drop control
/// characters, map whitespace to spaces, put spaces around CJK ideographs, strip accents, lowercase, then split
/// on whitespace and make every punctuation character a word of its own.
/// </summary>
/// <param name="StripAccents">Hugging Face's default (<c>strip_accents: null</c>) follows <paramref name="Lowercase"/>.</param>
internal sealed record BertBasicTokenizer(bool Lowercase = true, bool StripAccents = true, bool CleanText = true, bool ChineseChars = true)
{
    public List<string> Split(string text)
    {
        var normalized = Normalize(text);
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (char.IsWhiteSpace(c) || IsPunctuation(c))
            {
                if (start >= 0)
                {
                    words.Add(normalized[start..i]);
                    start = -1;
                }
                if (!char.IsWhiteSpace(c))
                {
                    words.Add(c.ToString());
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0)
        {
            words.Add(normalized[start..]);
        }
        return words;
    }

    public string Normalize(string text)
    {
        var result = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsSurrogatePair(text, i);
            var cp = pair ? char.ConvertToUtf32(c, text[i + 1]) : c;
            if (CleanText && (cp is 0 or 0xFFFD || IsControl(cp)))
            {
                i += pair ? 1 : 0;
                continue;
            }
            if (CleanText && char.IsWhiteSpace(c))
            {
                result.Append(' ');
            }
            else if (ChineseChars && IsCjk(cp))
            {
                result.Append(' ').Append(text, i, pair ? 2 : 1).Append(' ');
            }
            else
            {
                result.Append(text, i, pair ? 2 : 1);
            }
            i += pair ? 1 : 0;
        }
        var normalized = StripAccents ? AccentFolding.Fold(result.ToString()) : result.ToString();
        // NOTE: U+0130 lowercases to "i" + U+0307 in Unicode (and in Hugging Face), but invariant globalization
        // leaves it alone; with accents stripped it is already a plain "I" here.
        return Lowercase ? normalized.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant() : normalized;
    }

    // Rust's char::is_other minus tab, newline and carriage return: Cc, Cf, Cn and Co (a surrogate pair is one char).
    private static bool IsControl(int cp) => cp is not ('\t' or '\n' or '\r') && CharUnicodeInfo.GetUnicodeCategory(cp)
        is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    // ASCII punctuation by Rust's definition (which includes $ + < = > ^ ` | ~) or any Unicode punctuation.
    private static bool IsPunctuation(char c) => c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~'
        || char.IsPunctuation(c);

    // The CJK Unified Ideographs blocks of Hugging Face's BERT normalizer (0x2B920 rather than BERT's 0x2B820).
    private static bool IsCjk(int cp) => cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
        or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF
        or >= 0x2F800 and <= 0x2FA1F;
}
