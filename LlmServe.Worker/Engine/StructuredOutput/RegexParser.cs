using System.Text;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// Parses the regular-expression subset structured outputs use: literals and escapes, classes (ASCII ranges,
/// negation, \d \w \s), '.', groups (capturing or not), alternation and the quantifiers * + ? {m} {m,} {m,n}.
/// The pattern must match the whole output (leading ^ and trailing $ are accepted and ignored).
/// </summary>
internal sealed class RegexParser(string pattern)
{
    private int _pos;

    public static Rx Parse(string pattern)
    {
        var trimmed = pattern.StartsWith('^') ? pattern[1..] : pattern;
        if (trimmed.EndsWith('$') && !trimmed.EndsWith("\\$", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^1];
        }
        var parser = new RegexParser(trimmed);
        var rx = parser.Alternation();
        return parser._pos == trimmed.Length ? rx : throw parser.Error("unexpected ')'");
    }

    private Rx Alternation()
    {
        var options = new List<Rx> { Sequence() };
        while (Peek('|'))
        {
            _pos++;
            options.Add(Sequence());
        }
        return Rx.Alt([.. options]);
    }

    private Rx Sequence()
    {
        var parts = new List<Rx>();
        while (_pos < pattern.Length && pattern[_pos] is not ('|' or ')'))
        {
            parts.Add(Quantified(Atom()));
        }
        return Rx.Seq([.. parts]);
    }

    private Rx Quantified(Rx atom)
    {
        while (_pos < pattern.Length)
        {
            switch (pattern[_pos])
            {
                case '*': _pos++; atom = Rx.Star(atom); break;
                case '+': _pos++; atom = Rx.Plus(atom); break;
                case '?': _pos++; atom = Rx.Optional(atom); break;
                case '{':
                    var close = pattern.IndexOf('}', _pos);
                    if (close < 0)
                    {
                        throw Error("unterminated {");
                    }
                    var bounds = pattern[(_pos + 1)..close].Split(',');
                    var min = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
                    int? max = bounds.Length == 1 ? min : bounds[1].Length == 0 ? null : int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture);
                    _pos = close + 1;
                    atom = Rx.Repeat(atom, min, max);
                    break;
                default:
                    return atom;
            }
        }
        return atom;
    }

    private Rx Atom()
    {
        var c = pattern[_pos++];
        switch (c)
        {
            case '(':
                if (pattern.AsSpan(_pos).StartsWith("?:"))
                {
                    _pos += 2;
                }
                var inner = Alternation();
                return Peek(')') ? Advance(inner) : throw Error("missing ')'");
            case '[':
                return Class();
            case '.':
                return RxSet.Where(b => b != '\n');
            case '\\':
                return Escape(inClass: false) is { } set ? set : Rx.Literal(pattern[_pos - 1].ToString());
            default:
                return char.IsHighSurrogate(c) && _pos < pattern.Length ? Rx.Literal($"{c}{pattern[_pos++]}") : Rx.Literal(c.ToString());
        }
    }

    private Rx Class()
    {
        var negate = Peek('^');
        if (negate)
        {
            _pos++;
        }
        var set = new bool[256];
        var first = true;
        while (_pos < pattern.Length && (pattern[_pos] != ']' || first))
        {
            first = false;
            if (pattern[_pos] == '\\')
            {
                _pos++;
                if (Escape(inClass: true) is RxSet escaped)
                {
                    Union(set, escaped.Bytes);
                    continue;
                }
            }
            var from = pattern[_pos++];
            var to = from;
            if (_pos + 1 < pattern.Length && pattern[_pos] == '-' && pattern[_pos + 1] != ']')
            {
                to = pattern[_pos + 1] == '\\' ? pattern[_pos + 2] : pattern[_pos + 1];
                _pos += pattern[_pos + 1] == '\\' ? 3 : 2;
            }
            if (to > 127)
            {
                throw Error("classes with non-ASCII characters are not supported");
            }
            for (var ch = from; ch <= to; ch++)
            {
                set[ch] = true;
            }
        }
        if (!Peek(']'))
        {
            throw Error("missing ']'");
        }
        _pos++;
        if (negate)
        {
            // Bytes of multi-byte characters stay allowed, so a negated class admits any non-ASCII character.
            for (var b = 0; b < 256; b++)
            {
                set[b] = !set[b];
            }
        }
        return new RxSet(set);
    }

    /// <summary>After a backslash: a class escape (\d \w \s and negations) as a set, or null for an escaped literal.</summary>
    private RxSet? Escape(bool inClass)
    {
        if (_pos >= pattern.Length)
        {
            throw Error("trailing backslash");
        }
        var c = pattern[_pos++];
        RxSet? set = c switch
        {
            'd' => RxSet.Range((byte)'0', (byte)'9'),
            'w' => RxSet.Where(b => b is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_'),
            's' => RxSet.Of((byte)' ', (byte)'\t', (byte)'\n', (byte)'\r', (byte)'\f', (byte)'\v'),
            'n' => RxSet.Of((byte)'\n'),
            't' => RxSet.Of((byte)'\t'),
            _ => null,
        };
        if (set is null && char.IsAsciiLetterOrDigit(c))
        {
            throw Error($"unsupported escape \\{c}");
        }
        if (set is null && inClass)
        {
            return RxSet.Of(Encoding.UTF8.GetBytes(c.ToString()));
        }
        return set;
    }

    private static void Union(bool[] into, bool[] from)
    {
        for (var b = 0; b < 256; b++)
        {
            into[b] |= from[b];
        }
    }

    private bool Peek(char c) => _pos < pattern.Length && pattern[_pos] == c;

    private Rx Advance(Rx rx)
    {
        _pos++;
        return rx;
    }

    private ArgumentException Error(string what) => new($"Invalid regex at position {_pos}: {what}.");
}
