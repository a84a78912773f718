namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Scans single tokens inside <c>{{ }}</c> and <c>{% %}</c>: names, numbers, quoted strings and operators.</summary>
internal static class TagScanner
{
    private static readonly string[] TwoCharOperators = ["//", "**", "==", "!=", "<=", ">="];
    private const string OneCharOperators = "+-*/%~[](){}<>=.:|,;";

    public static int NameEnd(string src, int pos)
    {
        while (pos < src.Length && (char.IsAsciiLetterOrDigit(src[pos]) || src[pos] == '_'))
        {
            pos++;
        }
        return pos;
    }

    /// <summary>An integer or float literal (underscores allowed, as in Python); "1." stays the integer 1.</summary>
    public static (JinjaTokenKind Kind, string Text, int End) Number(string src, int start)
    {
        var pos = Digits(src, start);
        var isFloat = false;
        if (pos + 1 < src.Length && src[pos] == '.' && char.IsAsciiDigit(src[pos + 1]))
        {
            pos = Digits(src, pos + 1);
            isFloat = true;
        }
        if (pos < src.Length && src[pos] is 'e' or 'E')
        {
            var exponent = pos + 1;
            if (exponent < src.Length && src[exponent] is '+' or '-')
            {
                exponent++;
            }
            if (exponent < src.Length && char.IsAsciiDigit(src[exponent]))
            {
                pos = Digits(src, exponent);
                isFloat = true;
            }
        }
        var text = src[start..pos].Replace("_", "", StringComparison.Ordinal);
        return (isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, text, pos);
    }

    private static int Digits(string src, int pos)
    {
        while (pos < src.Length && (char.IsAsciiDigit(src[pos]) || src[pos] == '_'))
        {
            pos++;
        }
        return pos;
    }

    /// <summary>The undecoded text between the quotes starting at <paramref name="start"/>, and the index after the closing quote.</summary>
    public static (string Raw, int End) QuotedString(string src, int start, int line)
    {
        var quote = src[start];
        var pos = start + 1;
        while (pos < src.Length && src[pos] != quote)
        {
            pos += src[pos] == '\\' ? 2 : 1;
        }
        if (pos >= src.Length)
        {
            throw new ChatTemplateException("unterminated string literal", line);
        }
        return (src[(start + 1)..pos], pos + 1);
    }

    public static string Operator(string src, int pos, int line) =>
        TwoCharOperators.FirstOrDefault(o => string.CompareOrdinal(src, pos, o, 0, 2) == 0)
        ?? (OneCharOperators.Contains(src[pos]) ? src[pos].ToString() : null)
        ?? throw new ChatTemplateException($"unexpected character '{src[pos]}'", line);

    /// <summary>Tracks brackets, so a <c>}}</c> that closes a nested dict does not end the tag.</summary>
    public static void Balance(Stack<char> open, string op, int line)
    {
        if (op is "(" or "[" or "{")
        {
            open.Push(op[0] switch { '(' => ')', '[' => ']', _ => '}' });
        }
        else if (op is ")" or "]" or "}" && (open.Count == 0 || open.Pop() != op[0]))
        {
            throw new ChatTemplateException($"unexpected '{op}'", line);
        }
    }
}
