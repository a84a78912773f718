namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Splits a template into text and tag tokens with the whitespace rules Hugging Face uses
/// (jinja2 with <c>trim_blocks</c> and <c>lstrip_blocks</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>{%-</c>, <c>{{-</c>, <c>{#-</c> strip all whitespace before the tag; <c>-%}</c>, <c>-}}</c>, <c>-#}</c> all after it.</item>
/// <item>trim_blocks: the first newline right after <c>%}</c> or <c>#}</c> is dropped (<c>+%}</c> keeps it).</item>
/// <item>lstrip_blocks: spaces and tabs between a line start and <c>{%</c> or <c>{#</c> are dropped (<c>{%+</c> keeps them).
/// A "line start" is a newline in the text or the end of a previous tag that itself ended with a newline.</item>
/// <item>Line endings become <c>\n</c> and one trailing newline is removed, as jinja2 does by default.</item>
/// </list>
/// </remarks>
internal sealed class Lexer
{
    private readonly string _src;
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    private bool _lineStarting = true;

    private Lexer(string source) => _src = source;

    public static List<JinjaToken> Tokenize(string source)
    {
        var normalized = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var lexer = new Lexer(normalized.EndsWith('\n') ? normalized[..^1] : normalized);
        lexer.Run();
        lexer._tokens.Add(new JinjaToken(JinjaTokenKind.End, "", lexer._line));
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            var start = FindTagStart();
            if (start < 0)
            {
                Emit(JinjaTokenKind.Text, _src[_pos..]);
                break;
            }
            var kind = _src[start + 1];
            var sign = start + 2 < _src.Length && _src[start + 2] is '-' or '+' ? _src[start + 2] : '\0';
            var text = _src[_pos..start];
            if (sign == '-')
            {
                text = PyString.TrimEnd(text);
            }
            else if (sign != '+' && kind != '{')
            {
                var lineStart = text.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || _lineStarting) && PyString.IsBlank(text.AsSpan(lineStart)))
                {
                    text = text[..lineStart];
                }
            }
            if (text.Length > 0)
            {
                _tokens.Add(new JinjaToken(JinjaTokenKind.Text, text, _line));
            }
            _line += _src.AsSpan(_pos, start - _pos).Count('\n');
            _pos = start + (sign == '\0' ? 2 : 3);
            if (kind == '#')
            {
                SkipComment();
            }
            else
            {
                LexTag(kind == '%');
            }
        }
    }

    private int FindTagStart()
    {
        for (var i = _src.IndexOf('{', _pos); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
        {
            if (_src[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }
        return -1;
    }

    private void Emit(JinjaTokenKind kind, string value)
    {
        _tokens.Add(new JinjaToken(kind, value, _line));
        _line += value.AsSpan().Count('\n');
    }

    private void SkipComment()
    {
        var end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new ChatTemplateException("unclosed comment: missing '#}'", _line);
        }
        _line += _src.AsSpan(_pos, end - _pos).Count('\n');
        var sign = end > _pos ? _src[end - 1] : '\0';
        _pos = end + 2;
        ConsumeTagSuffix(sign, trim: true);
    }

    /// <summary>Applies what follows a closing delimiter: '-' eats all whitespace, trim_blocks one newline.</summary>
    private void ConsumeTagSuffix(char sign, bool trim)
    {
        var from = _pos;
        if (sign == '-')
        {
            while (_pos < _src.Length && PyString.IsSpace(_src[_pos]))
            {
                _pos++;
            }
        }
        else if (sign != '+' && trim && _pos < _src.Length && _src[_pos] == '\n')
        {
            _pos++;
        }
        _line += _src.AsSpan(from, _pos - from).Count('\n');
        _lineStarting = _pos > from ? _src[_pos - 1] == '\n' : false;
    }

    private void LexTag(bool block)
    {
        var openLine = _line;
        _tokens.Add(new JinjaToken(block ? JinjaTokenKind.BlockBegin : JinjaTokenKind.VariableBegin, "", _line));
        var brackets = new Stack<char>();
        while (true)
        {
            while (_pos < _src.Length && PyString.IsSpace(_src[_pos]))
            {
                _line += _src[_pos++] == '\n' ? 1 : 0;
            }
            if (_pos >= _src.Length)
            {
                throw new ChatTemplateException($"unexpected end of template, expected '{(block ? "%}" : "}}")}'", openLine);
            }
            if (brackets.Count == 0 && TryCloseTag(block))
            {
                return;
            }
            var c = _src[_pos];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var end = TagScanner.NameEnd(_src, _pos);
                var name = _src[_pos..end];
                if (block && name == "raw" && _tokens[^1].Kind == JinjaTokenKind.BlockBegin)
                {
                    throw new ChatTemplateException("'raw' blocks are not supported", _line);
                }
                Add(JinjaTokenKind.Name, name, end);
            }
            else if (char.IsAsciiDigit(c))
            {
                var (kind, text, end) = TagScanner.Number(_src, _pos);
                Add(kind, text, end);
            }
            else if (c is '\'' or '"')
            {
                var (raw, end) = TagScanner.QuotedString(_src, _pos, _line);
                Add(JinjaTokenKind.String, StringLiteral.Decode(raw, _line), end);
                _line += raw.AsSpan().Count('\n');
            }
            else
            {
                var op = TagScanner.Operator(_src, _pos, _line);
                TagScanner.Balance(brackets, op, _line);
                Add(JinjaTokenKind.Operator, op, _pos + op.Length);
            }
        }
    }

    private void Add(JinjaTokenKind kind, string value, int end)
    {
        _tokens.Add(new JinjaToken(kind, value, _line));
        _pos = end;
    }

    private bool TryCloseTag(bool block)
    {
        var close = block ? "%}" : "}}";
        var sign = _src[_pos] is '-' or '+' && (block || _src[_pos] == '-') ? _src[_pos] : '\0';
        var at = sign == '\0' ? _pos : _pos + 1;
        if (string.CompareOrdinal(_src, at, close, 0, 2) != 0)
        {
            return false;
        }
        _tokens.Add(new JinjaToken(block ? JinjaTokenKind.BlockEnd : JinjaTokenKind.VariableEnd, "", _line));
        _pos = at + 2;
        ConsumeTagSuffix(sign, trim: block);
        return true;
    }
}
