namespace LlmServe.Worker.Chat.Jinja;

/// <summary>What <c>set</c> and <c>for</c> assign to: a name, a namespace attribute (<c>ns.x</c>), or names to unpack.</summary>
internal sealed class AssignTarget(int line, IReadOnlyList<string> names, string? attribute, bool unpack)
{
    /// <summary>A name, <c>ns.attr</c> (for <c>set</c>), or names to unpack such as <c>key, value</c> or <c>(a, b)</c>.</summary>
    public static AssignTarget Parse(TokenStream ts, string? endName, bool allowNamespace)
    {
        var line = ts.Current.Line;
        if (allowNamespace && ts.Current.Kind == JinjaTokenKind.Name && ts.Peek().IsOperator("."))
        {
            var ns = ts.Next().Value;
            ts.Next();
            return new AssignTarget(line, [ns], ts.Expect(JinjaTokenKind.Name).Value, unpack: false);
        }
        var parenthesised = ts.SkipOperator("(");
        var names = new List<string> { ts.Expect(JinjaTokenKind.Name).Value };
        var unpack = parenthesised;
        while (ts.SkipOperator(","))
        {
            unpack = true;
            if (ts.Current.Kind != JinjaTokenKind.Name || (endName is not null && ts.Current.IsName(endName)))
            {
                break;
            }
            names.Add(ts.Next().Value);
        }
        if (parenthesised)
        {
            ts.Expect(JinjaTokenKind.Operator, ")");
        }
        return new AssignTarget(line, names, null, unpack);
    }

    public void Assign(Scope scope, object? value)
    {
        if (attribute is not null)
        {
            if (scope.Get(names[0]) is not Namespace ns)
            {
                throw new ChatTemplateException("cannot assign attribute on non-namespace object", line);
            }
            ns.Attributes[attribute] = value;
            return;
        }
        if (!unpack)
        {
            scope.Set(names[0], value);
            return;
        }
        var items = Values.Iterate(value);
        if (items.Count != names.Count)
        {
            throw new ChatTemplateException(
                $"cannot unpack {items.Count} value(s) into {names.Count} name(s)", line);
        }
        for (var i = 0; i < names.Count; i++)
        {
            scope.Set(names[i], items[i]);
        }
    }
}
