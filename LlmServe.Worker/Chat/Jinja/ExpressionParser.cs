using System.Globalization;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Parses expressions with jinja2's precedence, loosest first: <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>,
/// comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>, <c>* / // %</c>, <c>**</c>, unary <c>- +</c>, then operands with
/// their postfixes, filters and tests (<see cref="OperandParser"/>).
/// </summary>
/// <remarks>
/// Filters bind tighter than arithmetic, so <c>messages|length - 1</c> is <c>(messages|length) - 1</c> and
/// <c>not x is defined</c> is <c>not (x is defined)</c>, as in jinja2.
/// </remarks>
internal sealed class ExpressionParser
{
    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private readonly TokenStream _ts;

    public ExpressionParser(TokenStream ts, Action<string, int> onCall)
    {
        _ts = ts;
        Operands = new OperandParser(ts, this, onCall);
    }

    public OperandParser Operands { get; }

    /// <summary>An expression, or several separated by commas as a tuple (<c>{{ a, b }}</c>, <c>set x, y = 1, 2</c>).</summary>
    public Expr ParseTuple(bool withCondExpr = true, string? extraEndName = null, bool explicitParentheses = false)
    {
        var line = _ts.Current.Line;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                _ts.Expect(JinjaTokenKind.Operator, ",");
            }
            if (IsTupleEnd(extraEndName))
            {
                break;
            }
            items.Add(ParseExpression(withCondExpr));
            if (!_ts.Current.IsOperator(","))
            {
                break;
            }
            isTuple = true;
        }
        if (!isTuple && items.Count == 1)
        {
            return items[0];
        }
        if (items.Count == 0 && !explicitParentheses)
        {
            throw _ts.Fail($"expected an expression, got {_ts.Current}");
        }
        return new ListExpr(line, items, isTuple: true);
    }

    private bool IsTupleEnd(string? extraEndName) =>
        _ts.Current.Kind is JinjaTokenKind.VariableEnd or JinjaTokenKind.BlockEnd or JinjaTokenKind.End
        || _ts.Current.IsOperator(")")
        || (extraEndName is not null && _ts.Current.IsName(extraEndName));

    public Expr ParseExpression(bool withCondExpr = true) => withCondExpr ? ParseCondExpr() : ParseOr();

    private Expr ParseCondExpr()
    {
        var expr = ParseOr();
        while (_ts.Current.IsName("if"))
        {
            var line = _ts.Next().Line;
            var condition = ParseOr();
            var otherwise = _ts.SkipName("else") ? ParseCondExpr() : null;
            expr = new CondExpr(line, condition, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (_ts.Current.IsName("or"))
        {
            var line = _ts.Next().Line;
            left = new LogicalExpr(line, isAnd: false, left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (_ts.Current.IsName("and"))
        {
            var line = _ts.Next().Line;
            left = new LogicalExpr(line, isAnd: true, left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (_ts.Current.IsName("not"))
        {
            var line = _ts.Next().Line;
            return new UnaryExpr(line, "not", ParseNot());
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var line = _ts.Current.Line;
        var first = ParseBinary(0);
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var token = _ts.Current;
            if (token.Kind == JinjaTokenKind.Operator && CompareOperators.Contains(token.Value))
            {
                _ts.Next();
                rest.Add((token.Value, ParseBinary(0)));
            }
            else if (token.IsName("in"))
            {
                _ts.Next();
                rest.Add(("in", ParseBinary(0)));
            }
            else if (token.IsName("not") && _ts.Peek().IsName("in"))
            {
                _ts.Next();
                _ts.Next();
                rest.Add(("not in", ParseBinary(0)));
            }
            else
            {
                break;
            }
        }
        return rest.Count == 0 ? first : new CompareExpr(line, first, rest);
    }

    /// <summary>The binary operator levels from loosest to tightest; all are left-associative in jinja2.</summary>
    private static readonly string[][] Levels = [["+", "-"], ["~"], ["*", "/", "//", "%"], ["**"]];

    private Expr ParseBinary(int level)
    {
        if (level == Levels.Length)
        {
            return ParseUnary();
        }
        var left = ParseBinary(level + 1);
        while (_ts.Current.Kind == JinjaTokenKind.Operator && Levels[level].Contains(_ts.Current.Value))
        {
            var token = _ts.Next();
            left = new BinaryExpr(token.Line, token.Value, left, ParseBinary(level + 1));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilters = true)
    {
        Expr node;
        if (_ts.Current.IsOperator("-") || _ts.Current.IsOperator("+"))
        {
            var token = _ts.Next();
            node = new UnaryExpr(token.Line, token.Value, ParseUnary(withFilters: false));
        }
        else
        {
            node = Operands.ParsePrimary();
        }
        node = Operands.ParsePostfix(node);
        return withFilters ? Operands.ParseFilters(node) : node;
    }

    public static object ParseNumber(JinjaToken token)
    {
        if (token.Kind == JinjaTokenKind.Float)
        {
            return double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l
            : throw new ChatTemplateException($"integer literal {token.Value} is too large", token.Line);
    }
}
