using System.Text;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Python <c>str</c> behaviour the templates rely on: whitespace, strip, split, title case, and indexing by code
/// point rather than by UTF-16 unit.
/// </summary>
internal static class PyString
{
    /// <summary>Python's <c>str.isspace</c> also counts the ASCII separators U+001C..U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static bool IsBlank(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    public static string TrimEnd(string s) => Strip(s, null, left: false, right: true);

    public static string Strip(string s, string? chars, bool left = true, bool right = true)
    {
        Func<char, bool> strip = chars is null ? IsSpace : chars.Contains;
        var start = 0;
        var end = s.Length;
        while (left && start < end && strip(s[start]))
        {
            start++;
        }
        while (right && end > start && strip(s[end - 1]))
        {
            end--;
        }
        return s[start..end];
    }

    /// <summary><c>str.split(sep, maxsplit)</c>; without a separator, runs of whitespace split and ends are dropped.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                {
                    i++;
                }
                if (i >= s.Length)
                {
                    break;
                }
                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(s[i..]);
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i]))
                {
                    i++;
                }
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0)
        {
            throw new ChatTemplateException("split(): empty separator");
        }
        var from = 0;
        for (var at = s.IndexOf(sep, StringComparison.Ordinal);
             at >= 0 && (maxSplit < 0 || parts.Count < maxSplit);
             at = s.IndexOf(sep, from, StringComparison.Ordinal))
        {
            parts.Add(s[from..at]);
            from = at + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>Python's <c>str.title()</c>: a cased letter after an uncased character starts a word.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }
        return sb.ToString();
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>The string's code points, each as a string; only allocates when surrogate pairs are present.</summary>
    public static IReadOnlyList<string> CodePoints(string s)
    {
        var points = new List<string>(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            points.Add(rune.ToString());
        }
        return points;
    }

    public static bool HasSurrogates(string s) => s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    public static int Length(string s) => HasSurrogates(s) ? CodePoints(s).Count : s.Length;
}
