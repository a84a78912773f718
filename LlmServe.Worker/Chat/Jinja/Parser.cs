namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Builds the statement tree: text, <c>{{ }}</c>, and the tags <c>if</c>, <c>for</c>, <c>set</c>, <c>macro</c>,
/// <c>filter</c>, <c>break</c>, <c>continue</c> and <c>generation</c> (Hugging Face's assistant-mask marker, rendered
/// as its body). Any other tag, and calls of unknown functions, fail here with the line.
/// </summary>
internal sealed class Parser
{
    private readonly TokenStream _ts;
    private readonly ExpressionParser _expr;
    private readonly List<(string Name, int Line)> _calls = [];
    private readonly HashSet<string> _macros = new(StringComparer.Ordinal);
    private int _loopDepth;

    private Parser(List<JinjaToken> tokens)
    {
        _ts = new TokenStream(tokens);
        _expr = new ExpressionParser(_ts, (name, line) => _calls.Add((name, line)));
    }

    public static IReadOnlyList<Stmt> Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        var body = parser.ParseBody([], out _);
        foreach (var (name, line) in parser._calls)
        {
            if (!BuiltinGlobals.Names.Contains(name) && !parser._macros.Contains(name))
            {
                throw new ChatTemplateException($"unknown function '{name}()'", line);
            }
        }
        return body;
    }

    /// <summary>Statements up to one of <paramref name="endTags"/>; the stream is left just after that tag's name.</summary>
    private List<Stmt> ParseBody(string[] endTags, out string endTag)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = _ts.Current;
            switch (token.Kind)
            {
                case JinjaTokenKind.Text:
                    body.Add(new TextStmt(token.Line, _ts.Next().Value));
                    break;
                case JinjaTokenKind.VariableBegin:
                    _ts.Next();
                    body.Add(new OutputStmt(token.Line, _expr.ParseTuple()));
                    _ts.Expect(JinjaTokenKind.VariableEnd);
                    break;
                case JinjaTokenKind.BlockBegin when _ts.Peek().Kind == JinjaTokenKind.Name && endTags.Contains(_ts.Peek().Value):
                    _ts.Next();
                    endTag = _ts.Next().Value;
                    return body;
                case JinjaTokenKind.BlockBegin:
                    _ts.Next();
                    body.Add(ParseStatement());
                    break;
                case JinjaTokenKind.End when endTags.Length == 0:
                    endTag = "";
                    return body;
                case JinjaTokenKind.End:
                    throw _ts.Fail($"unexpected end of template, expected {string.Join(" or ", endTags.Select(t => $"'{t}'"))}");
                default:
                    throw _ts.Fail($"unexpected {token}");
            }
        }
    }

    private List<Stmt> ParseBlockBody(params string[] endTags)
    {
        var body = ParseBody(endTags, out _);
        _ts.Expect(JinjaTokenKind.BlockEnd);
        return body;
    }

    private Stmt ParseStatement()
    {
        var tag = _ts.Expect(JinjaTokenKind.Name);
        switch (tag.Value)
        {
            case "if":
                return ParseIf(tag.Line);
            case "for":
                return ParseFor(tag.Line);
            case "set":
                return ParseSet(tag.Line);
            case "macro":
                return ParseMacro(tag.Line);
            case "filter":
                var filters = new List<(string, ArgumentList)>();
                do
                {
                    var (name, _, args) = _expr.Operands.Arguments.ParseFilter();
                    filters.Add((name, args));
                }
                while (_ts.SkipOperator("|"));
                _ts.Expect(JinjaTokenKind.BlockEnd);
                return new FilterBlockStmt(tag.Line, filters, ParseBlockBody("endfilter"));
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw new ChatTemplateException($"'{tag.Value}' outside of a loop", tag.Line);
                }
                _ts.Expect(JinjaTokenKind.BlockEnd);
                return new LoopControlStmt(tag.Line, tag.Value == "break" ? Flow.Break : Flow.Continue);
            case "generation":
                _ts.Expect(JinjaTokenKind.BlockEnd);
                // An if that always holds: the body renders in place, sharing the scope.
                return new IfStmt(tag.Line, [(new ConstExpr(tag.Line, true), ParseBlockBody("endgeneration"))], []);
            default:
                throw new ChatTemplateException($"the tag '{tag.Value}' is unknown or not supported by this interpreter", tag.Line);
        }
    }

    private IfStmt ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        var condition = _expr.ParseTuple(withCondExpr: false);
        while (true)
        {
            _ts.Expect(JinjaTokenKind.BlockEnd);
            branches.Add((condition, ParseBody(["elif", "else", "endif"], out var end)));
            if (end == "elif")
            {
                condition = _expr.ParseTuple(withCondExpr: false);
                continue;
            }
            _ts.Expect(JinjaTokenKind.BlockEnd);
            return new IfStmt(line, branches, end == "else" ? ParseBlockBody("endif") : []);
        }
    }

    private ForStmt ParseFor(int line)
    {
        var target = AssignTarget.Parse(_ts, "in", allowNamespace: false);
        _ts.Expect(JinjaTokenKind.Name, "in");
        var iterable = _expr.ParseTuple(withCondExpr: false, extraEndName: "recursive");
        var condition = _ts.SkipName("if") ? _expr.ParseExpression() : null;
        if (_ts.Current.IsName("recursive"))
        {
            throw _ts.Fail("recursive loops are not supported");
        }
        _ts.Expect(JinjaTokenKind.BlockEnd);
        _loopDepth++;
        var body = ParseBody(["endfor", "else"], out var end);
        _loopDepth--;
        _ts.Expect(JinjaTokenKind.BlockEnd);
        return new ForStmt(line, target, iterable, condition, body, end == "else" ? ParseBlockBody("endfor") : []);
    }

    private Stmt ParseSet(int line)
    {
        var target = AssignTarget.Parse(_ts, null, allowNamespace: true);
        if (_ts.SkipOperator("="))
        {
            var value = _expr.ParseTuple();
            _ts.Expect(JinjaTokenKind.BlockEnd);
            return new SetStmt(line, target, value);
        }
        if (_ts.Current.IsOperator("|"))
        {
            throw _ts.Fail("a block 'set' with a filter is not supported");
        }
        _ts.Expect(JinjaTokenKind.BlockEnd);
        return new BlockSetStmt(line, target, ParseBlockBody("endset"));
    }

    private MacroStmt ParseMacro(int line)
    {
        var name = _ts.Expect(JinjaTokenKind.Name).Value;
        _macros.Add(name);
        _ts.Expect(JinjaTokenKind.Operator, "(");
        var parameters = new List<(string, Expr?)>();
        while (!_ts.SkipOperator(")"))
        {
            if (parameters.Count > 0)
            {
                _ts.Expect(JinjaTokenKind.Operator, ",");
            }
            var param = _ts.Expect(JinjaTokenKind.Name).Value;
            parameters.Add((param, _ts.SkipOperator("=") ? _expr.ParseExpression() : null));
        }
        _ts.Expect(JinjaTokenKind.BlockEnd);
        var savedDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlockBody("endmacro");
        _loopDepth = savedDepth;
        return new MacroStmt(line, name, parameters, body);
    }
}
