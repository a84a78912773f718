namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A cursor over the lexer's tokens for the parsers.</summary>
internal sealed class TokenStream(List<JinjaToken> tokens)
{
    private int _pos;

    public JinjaToken Current => tokens[_pos];

    public JinjaToken Peek(int ahead = 1) => tokens[Math.Min(_pos + ahead, tokens.Count - 1)];

    public JinjaToken Next()
    {
        var token = tokens[_pos];
        if (_pos < tokens.Count - 1)
        {
            _pos++;
        }
        return token;
    }

    public bool SkipOperator(string op) => Skip(Current.IsOperator(op));

    public bool SkipName(string name) => Skip(Current.IsName(name));

    private bool Skip(bool matches)
    {
        if (matches)
        {
            Next();
        }
        return matches;
    }

    public JinjaToken Expect(JinjaTokenKind kind, string? value = null)
    {
        if (Current.Kind != kind || (value is not null && Current.Value != value))
        {
            var wanted = value is not null ? $"'{value}'" : kind switch
            {
                JinjaTokenKind.BlockEnd => "'%}'",
                JinjaTokenKind.VariableEnd => "'}}'",
                JinjaTokenKind.Name => "a name",
                _ => kind.ToString().ToLowerInvariant(),
            };
            throw Fail($"expected {wanted}, got {Current}");
        }
        return Next();
    }

    public ChatTemplateException Fail(string message) => new(message, Current.Line);
}
