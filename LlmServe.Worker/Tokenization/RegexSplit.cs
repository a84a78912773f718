using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmServe.Worker.Tokenization;

/// <summary>One pre-tokenizer split by a regular expression, with Hugging Face's split behaviours.</summary>
/// <remarks>
/// .NET regular expressions see UTF-16 code units, so a letter or digit outside the BMP (a rare CJK ideograph,
/// 𝐀) would look like two surrogates, which are neither \p{L} nor \p{N}, whereas Hugging Face's regex engine sees
/// one letter. The pattern therefore runs over a probe string where each such code point is one BMP stand-in of
/// the same general category, and the match positions are mapped back.
/// </remarks>
internal sealed class RegexSplit(Regex pattern, SplitBehavior behavior)
{
    public RegexSplit(string pattern, SplitBehavior behavior = SplitBehavior.Isolated)
        : this(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant), behavior)
    {
    }

    public IEnumerable<string> Split(string text)
    {
        var (probe, map) = Probe(text);
        var ranges = new List<(int Start, int End, bool Match)>();
        var last = 0;
        foreach (var m in pattern.EnumerateMatches(probe))
        {
            if (m.Length == 0)
            {
                continue;
            }
            var (start, end) = map is null ? (m.Index, m.Index + m.Length) : (map[m.Index], map[m.Index + m.Length]);
            if (start > last)
            {
                ranges.Add((last, start, false));
            }
            ranges.Add((start, end, true));
            last = end;
        }
        if (last < text.Length)
        {
            ranges.Add((last, text.Length, false));
        }
        return Apply(ranges).Select(r => text[r.Start..r.End]);
    }

    // The folds of Hugging Face's NormalizedString::split, over alternating text and match ranges.
    private List<(int Start, int End, bool Match)> Apply(List<(int Start, int End, bool Match)> ranges)
    {
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                return ranges;
            case SplitBehavior.Removed:
                return ranges.Where(r => !r.Match).ToList();
            case SplitBehavior.MergedWithNext:
                ranges.Reverse();
                var reversed = Glue(ranges, (into, r) => (r.Start, into.End, into.Match), matchesOnly: true);
                reversed.Reverse();
                return reversed;
            default:
                return Glue(ranges, (into, r) => (into.Start, r.End, into.Match), matchesOnly: behavior == SplitBehavior.MergedWithPrevious);
        }
    }

    private List<(int Start, int End, bool Match)> Glue(List<(int Start, int End, bool Match)> ranges,
        Func<(int Start, int End, bool Match), (int Start, int End, bool Match), (int, int, bool)> join, bool matchesOnly)
    {
        var result = new List<(int Start, int End, bool Match)>();
        var previousMatch = false;
        foreach (var r in ranges)
        {
            // MergedWith*: a match joins its neighbour unless that neighbour is itself a match.
            // Contiguous: a range joins its neighbour when both are matches (or both text).
            var glue = matchesOnly ? r.Match && !previousMatch : r.Match == previousMatch;
            if (glue && result.Count > 0)
            {
                result[^1] = join(result[^1], r);
            }
            else
            {
                result.Add(r);
            }
            previousMatch = r.Match;
        }
        return result;
    }

    /// <summary>The text with each supplementary code point replaced by one BMP character of its category.</summary>
    private static (string Probe, int[]? Map) Probe(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return (text, null);
        }
        var probe = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                probe.Append(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i++;
                continue;
            }
            probe.Append(text[i]);
        }
        map.Add(text.Length);
        return (probe.ToString(), [.. map]);
    }

    // Stand-ins avoid ASCII so that literal characters in patterns ("'s", [0-9], \$) never match them.
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u00C0',
        UnicodeCategory.LowercaseLetter => '\u00E0',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u4E00',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00B6',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.OtherNotAssigned => '\u0378',
        _ => '\u00A6',   // OtherSymbol: emoji and the like
    };
}
