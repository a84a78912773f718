namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The Python <c>str</c> methods templates call, such as <c>content.strip()</c> or <c>content.split('&lt;/think&gt;')</c>.</summary>
internal static class StringMethods
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "upper", "lower", "title",
        "capitalize", "replace", "join", "find", "rfind", "count", "isdigit", "isalpha", "isalnum", "isspace",
        "islower", "isupper",
    };

    /// <summary>The method bound to <paramref name="s"/>, or null when <c>str</c> has no such supported method.</summary>
    public static JinjaCallable? Bind(string s, string name)
    {
        Func<CallArgs, object?>? body = name switch
        {
            "strip" or "lstrip" or "rstrip" => a => PyString.Strip(s, Chars(a, name), left: name != "rstrip", right: name != "lstrip"),
            "startswith" => a => Affixes(a, name).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
            "endswith" => a => Affixes(a, name).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
            "split" => a => Split(s, a, name, fromRight: false),
            "rsplit" => a => Split(s, a, name, fromRight: true),
            "upper" => a => NoArgs(a, name, s.ToUpperInvariant()),
            "lower" => a => NoArgs(a, name, s.ToLowerInvariant()),
            "title" => a => NoArgs(a, name, PyString.Title(s)),
            "capitalize" => a => NoArgs(a, name, PyString.Capitalize(s)),
            "replace" => a => BuiltinFilters.Get("replace")(s, a),
            "join" => a => string.Join(s, Values.Iterate(a.Expect(name, "iterable").Get(0, "iterable")).Select(x => x as string
                ?? throw new ChatTemplateException($"sequence item: expected str instance, {Values.TypeName(x)} found"))),
            "find" => a => (long)s.IndexOf(a.Expect(name, "sub").GetString(0, "sub", name), StringComparison.Ordinal),
            "rfind" => a => (long)s.LastIndexOf(a.Expect(name, "sub").GetString(0, "sub", name), StringComparison.Ordinal),
            "count" => a => Count(s, a.Expect(name, "sub").GetString(0, "sub", name)),
            "isdigit" => a => NoArgs(a, name, s.Length > 0 && s.All(char.IsDigit)),
            "isalpha" => a => NoArgs(a, name, s.Length > 0 && s.All(char.IsLetter)),
            "isalnum" => a => NoArgs(a, name, s.Length > 0 && s.All(char.IsLetterOrDigit)),
            "isspace" => a => NoArgs(a, name, s.Length > 0 && PyString.IsBlank(s)),
            "islower" => a => BuiltinTests.Get("lower")(s, CallArgs.Empty),
            "isupper" => a => BuiltinTests.Get("upper")(s, CallArgs.Empty),
            _ => null,
        };
        return body is null ? null : new JinjaCallable(name, body);
    }

    private static object NoArgs(CallArgs args, string name, object value)
    {
        args.Expect(name);
        return value;
    }

    private static string? Chars(CallArgs args, string name) => args.Expect(name, "chars").Get(0, "chars") switch
    {
        null => null,
        string chars => chars,
        var other => throw new ChatTemplateException($"{name} arg must be None or str, not {Values.TypeName(other)}"),
    };

    /// <summary>A prefix or a tuple of prefixes, as <c>startswith</c>/<c>endswith</c> accept.</summary>
    private static IEnumerable<string> Affixes(CallArgs args, string name) => args.Expect(name, "prefix").Get(0, "prefix") switch
    {
        string one => [one],
        object?[] many => many.Select(x => x as string ?? throw new ChatTemplateException($"{name}: tuple items must be str")),
        var other => throw new ChatTemplateException($"{name} first arg must be str or a tuple of str, not {Values.TypeName(other)}"),
    };

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return PyString.Length(s) + 1;
        }
        var n = 0L;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private static List<object?> Split(string s, CallArgs args, string name, bool fromRight)
    {
        args.Expect(name, "sep", "maxsplit");
        var sep = args.Get(0, "sep") switch
        {
            null => null,
            string text => text,
            var other => throw new ChatTemplateException($"must be str or None, not {Values.TypeName(other)}"),
        };
        var maxSplit = args.GetInt(1, "maxsplit", name, -1);
        if (!fromRight || maxSplit < 0)
        {
            return PyString.Split(s, sep, maxSplit);
        }
        // rsplit with a limit splits from the end: reverse, split with the reversed separator, reverse back.
        var reversed = PyString.Split(Reverse(s), sep is null ? null : Reverse(sep), maxSplit);
        reversed.Reverse();
        return reversed.Cast<string>().Select(p => (object?)Reverse(p)).ToList();
    }

    private static string Reverse(string s) => string.Concat(PyString.CodePoints(s).Reverse());
}
