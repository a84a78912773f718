namespace LlmServe.Worker.Chat.Jinja;

/// <summary>Parses call arguments <c>(a, b, key=c)</c> and filter or test names with their arguments.</summary>
internal sealed class ArgumentParser(TokenStream ts, ExpressionParser expressions)
{
    public (string Name, int Line) ParseDottedName()
    {
        var token = ts.Expect(JinjaTokenKind.Name);
        var name = token.Value;
        while (ts.SkipOperator("."))
        {
            name += "." + ts.Expect(JinjaTokenKind.Name).Value;
        }
        return (name, token.Line);
    }

    /// <summary>A filter after its <c>|</c>: the name, checked against the built-in filters, and optional arguments.</summary>
    public (string Name, int Line, ArgumentList Args) ParseFilter()
    {
        var (name, line) = ParseDottedName();
        if (!BuiltinFilters.Has(name))
        {
            throw new ChatTemplateException($"no filter named '{name}' (not supported by this interpreter)", line);
        }
        return (name, line, ts.SkipOperator("(") ? ParseArguments() : ArgumentList.None);
    }

    /// <summary>A test name after <c>is</c> or <c>is not</c>, checked against the built-in tests.</summary>
    public string ParseTestName()
    {
        var (name, line) = ParseDottedName();
        return BuiltinTests.Has(name) ? name
            : throw new ChatTemplateException($"no test named '{name}' (not supported by this interpreter)", line);
    }

    /// <summary>Arguments after an opening parenthesis, through the closing one: <c>a, b, key=c</c>.</summary>
    public ArgumentList ParseArguments()
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!ts.Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                ts.Expect(JinjaTokenKind.Operator, ",");
                if (ts.Current.IsOperator(")"))
                {
                    break;
                }
            }
            if (ts.Current.IsOperator("*") || ts.Current.IsOperator("**"))
            {
                throw ts.Fail("'*args' and '**kwargs' in calls are not supported");
            }
            if (ts.Current.Kind == JinjaTokenKind.Name && ts.Peek().IsOperator("="))
            {
                var key = ts.Next().Value;
                ts.Next();
                named.Add((key, expressions.ParseExpression()));
            }
            else if (named.Count > 0)
            {
                throw ts.Fail("positional argument follows keyword argument");
            }
            else
            {
                positional.Add(expressions.ParseExpression());
            }
        }
        ts.Next();
        return new ArgumentList(positional, named);
    }
}
