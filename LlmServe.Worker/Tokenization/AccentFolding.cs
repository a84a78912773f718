using System.Globalization;
using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// BERT's <c>strip_accents</c>: NFD, then drop non-spacing marks (é → e, Å → A, 가 → ᄀ + ᅡ).
/// </summary>
/// <remarks>
/// The Worker runs with invariant globalization, where <see cref="string.Normalize(NormalizationForm)"/> returns
/// its input unchanged, so the canonical decompositions come from a table generated from Python's unicodedata
/// (scripts/gen-accent-folding.py, embedded as Data/accent-folding.tsv); Hangul syllables decompose by formula.
/// </remarks>
internal static class AccentFolding
{
    private static readonly Lazy<Dictionary<int, string>> Table = new(Load);

    public static string Fold(string text)
    {
        var table = Table.Value;
        var result = new StringBuilder(text.Length);
        var cp = 0;
        for (var i = 0; i < text.Length; i += cp > 0xFFFF ? 2 : 1)
        {
            // A lone surrogate stands for itself.
            cp = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            if (CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (table.TryGetValue(cp, out var folded))
            {
                result.Append(folded);
            }
            else if (cp is >= 0xAC00 and <= 0xD7A3)
            {
                AppendHangul(result, cp - 0xAC00);
            }
            else
            {
                result.Append(text, i, cp > 0xFFFF ? 2 : 1);
            }
        }
        return result.ToString();
    }

    // Unicode's Hangul syllable decomposition: S = (L * 21 + V) * 28 + T; jamo are letters, so nothing is dropped.
    private static void AppendHangul(StringBuilder result, int s)
    {
        result.Append((char)(0x1100 + s / 588)).Append((char)(0x1161 + s % 588 / 28));
        if (s % 28 != 0)
        {
            result.Append((char)(0x11A7 + s % 28));
        }
    }

    private static Dictionary<int, string> Load()
    {
        using var stream = typeof(AccentFolding).Assembly.GetManifestResourceStream("LlmServe.Worker.Tokenization.Data.accent-folding.tsv")
            ?? throw new InvalidOperationException("The accent-folding table is missing from the Worker assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = new Dictionary<int, string>();
        while (reader.ReadLine() is string line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var folded = new StringBuilder();
            foreach (var hex in line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                folded.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
            table[int.Parse(line.AsSpan(0, tab), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = folded.ToString();
        }
        return table;
    }
}
