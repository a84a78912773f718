namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Parses operands (names, literals, parenthesised expressions, lists, dicts) and what may follow them:
/// <c>.attr</c>, <c>[key]</c>, <c>[a:b:c]</c>, calls, <c>| filter</c> and <c>is test</c>.
/// </summary>
/// <remarks>Method names in <c>x.name(...)</c> calls are checked here (filter and test names by
/// <see cref="ArgumentParser"/>), so a template using something not implemented fails to load.</remarks>
internal sealed class OperandParser(TokenStream ts, ExpressionParser expressions, Action<string, int> onCall)
{
    public ArgumentParser Arguments { get; } = new(ts, expressions);

    public Expr ParsePrimary()
    {
        var token = ts.Next();
        switch (token.Kind)
        {
            case JinjaTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new ConstExpr(token.Line, true),
                    "false" or "False" => new ConstExpr(token.Line, false),
                    "none" or "None" => new ConstExpr(token.Line, null),
                    _ => new NameExpr(token.Line, token.Value),
                };
            case JinjaTokenKind.String:
                var text = token.Value;
                while (ts.Current.Kind == JinjaTokenKind.String)
                {
                    text += ts.Next().Value;
                }
                return new ConstExpr(token.Line, text);
            case JinjaTokenKind.Integer or JinjaTokenKind.Float:
                return new ConstExpr(token.Line, ExpressionParser.ParseNumber(token));
            case JinjaTokenKind.Operator when token.Value == "(":
                var inner = expressions.ParseTuple(explicitParentheses: true);
                ts.Expect(JinjaTokenKind.Operator, ")");
                return inner;
            case JinjaTokenKind.Operator when token.Value == "[":
                return new ListExpr(token.Line, ParseItems("]", () => expressions.ParseExpression()), isTuple: false);
            case JinjaTokenKind.Operator when token.Value == "{":
                return new DictExpr(token.Line, ParseItems("}", () =>
                {
                    var key = expressions.ParseExpression();
                    ts.Expect(JinjaTokenKind.Operator, ":");
                    return (key, expressions.ParseExpression());
                }));
            default:
                throw new ChatTemplateException($"unexpected {token}", token.Line);
        }
    }

    /// <summary>Comma-separated items up to <paramref name="close"/>; a trailing comma is allowed.</summary>
    private List<T> ParseItems<T>(string close, Func<T> parseItem)
    {
        var items = new List<T>();
        while (!ts.Current.IsOperator(close))
        {
            if (items.Count > 0)
            {
                ts.Expect(JinjaTokenKind.Operator, ",");
                if (ts.Current.IsOperator(close))
                {
                    break;
                }
            }
            items.Add(parseItem());
        }
        ts.Expect(JinjaTokenKind.Operator, close);
        return items;
    }

    public Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (ts.Current.IsOperator(".") || ts.Current.IsOperator("["))
            {
                node = ParseSubscript(node);
            }
            else if (ts.Current.IsOperator("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    public Expr ParseFilters(Expr node)
    {
        while (true)
        {
            if (ts.Current.IsOperator("|"))
            {
                ts.Next();
                var (name, line, args) = Arguments.ParseFilter();
                node = new FilterExpr(line, node, name, args);
            }
            else if (ts.Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (ts.Current.IsOperator("("))
            {
                node = ParseCall(node);
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseTest(Expr node)
    {
        var line = ts.Next().Line;
        var negated = ts.SkipName("not");
        var name = Arguments.ParseTestName();
        var args = ArgumentList.None;
        var current = ts.Current;
        if (ts.SkipOperator("("))
        {
            args = Arguments.ParseArguments();
        }
        else if ((current.Kind is JinjaTokenKind.Name or JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
                  || current.IsOperator("[") || current.IsOperator("{"))
                 && !current.IsName("else") && !current.IsName("or") && !current.IsName("and"))
        {
            if (current.IsName("is"))
            {
                throw ts.Fail("you cannot chain multiple tests with 'is'");
            }
            args = new ArgumentList([ParsePostfix(ParsePrimary())], []);
        }
        return new TestExpr(line, node, name, args, negated);
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = ts.Next();
        if (token.IsOperator("."))
        {
            var attr = ts.Next();
            return attr.Kind switch
            {
                JinjaTokenKind.Name => new GetAttrExpr(token.Line, node, attr.Value),
                JinjaTokenKind.Integer => new GetItemExpr(token.Line, node, new ConstExpr(attr.Line, ExpressionParser.ParseNumber(attr))),
                _ => throw new ChatTemplateException($"expected a name after '.', got {attr}", attr.Line),
            };
        }
        var first = ParseSubscribed(out var slice);
        if (!ts.Current.IsOperator("]"))
        {
            throw ts.Fail("tuple subscripts such as x[a, b] are not supported");
        }
        ts.Next();
        // ParseSubscribed returns the key whenever it is not a slice.
        return slice is null ? new GetItemExpr(token.Line, node, first!) : new SliceExpr(token.Line, node, slice[0], slice[1], slice[2]);
    }

    /// <summary>Either a plain key (returned) or <c>start:stop:step</c> with parts optional (in <paramref name="slice"/>).</summary>
    private Expr? ParseSubscribed(out Expr?[]? slice)
    {
        slice = null;
        Expr? start = null;
        if (!ts.Current.IsOperator(":"))
        {
            start = expressions.ParseExpression();
            if (!ts.Current.IsOperator(":"))
            {
                return start;
            }
        }
        ts.Next();
        Expr? OptionalPart() => ts.Current.IsOperator("]") || ts.Current.IsOperator(",") || ts.Current.IsOperator(":")
            ? null : expressions.ParseExpression();
        var stop = OptionalPart();
        var step = ts.SkipOperator(":") ? OptionalPart() : null;
        slice = [start, stop, step];
        return null;
    }

    private Expr ParseCall(Expr callee)
    {
        var line = ts.Next().Line;
        switch (callee)
        {
            case NameExpr name:
                onCall(name.Name, line);
                break;
            case GetAttrExpr attr when !BuiltinMethods.Names.Contains(attr.Name):
                throw new ChatTemplateException($"the method '{attr.Name}()' is not supported by this interpreter", line);
        }
        return new CallExpr(line, callee, Arguments.ParseArguments());
    }
}
