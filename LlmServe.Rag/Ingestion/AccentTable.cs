using System.Globalization;
using System.Text;

namespace LlmServe.Rag.Ingestion;

/// <summary>
/// BERT's <c>strip_accents</c> (NFD, then drop non-spacing marks). The services run with invariant globalization,
/// where <see cref="string.Normalize(NormalizationForm)"/> does nothing, so the folding comes from the table the
/// worker's tokenizer uses (linked into this assembly, not copied): code point, tab, folded code points.
/// </summary>
internal static class AccentTable
{
    private static readonly Lazy<Dictionary<int, string>> Table = new(Load);

    public static void Fold(int codePoint, StringBuilder result)
    {
        if (Table.Value.TryGetValue(codePoint, out var folded))
        {
            result.Append(folded);
        }
        else if (codePoint is >= 0xAC00 and <= 0xD7A3)
        {
            // Hangul syllables decompose by formula into jamo (letters, so nothing is dropped).
            var s = codePoint - 0xAC00;
            result.Append((char)(0x1100 + s / 588)).Append((char)(0x1161 + s % 588 / 28));
            if (s % 28 != 0)
            {
                result.Append((char)(0x11A7 + s % 28));
            }
        }
        else
        {
            result.Append(char.ConvertFromUtf32(codePoint));
        }
    }

    private static Dictionary<int, string> Load()
    {
        using var stream = typeof(AccentTable).Assembly.GetManifestResourceStream("LlmServe.Rag.Ingestion.accent-folding.tsv")
            ?? throw new InvalidOperationException("The accent-folding table is missing from the Rag assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = new Dictionary<int, string>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            if (line[0] != '#')
            {
                var fields = line.Split('\t');
                table[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = string.Concat(
                    fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
            }
        }
        return table;
    }
}
