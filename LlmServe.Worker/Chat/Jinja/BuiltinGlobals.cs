namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// The global functions Hugging Face templates can call: jinja2's <c>range</c>, <c>namespace</c> and <c>dict</c>, and
/// transformers' <c>raise_exception</c> and <c>strftime_now</c>. Calling any other name fails at parse time.
/// </summary>
internal static class BuiltinGlobals
{
    /// <summary>jinja2's sandbox refuses larger ranges, so templates cannot make huge lists.</summary>
    private const long MaxRange = 100_000;

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "range", "namespace", "dict", "raise_exception", "strftime_now",
    };

    public static void AddTo(Scope scope, TimeProvider clock)
    {
        scope.Set("range", new JinjaCallable("range", Range));
        scope.Set("namespace", new JinjaCallable("namespace", args =>
        {
            var ns = new Namespace();
            foreach (var (key, value) in Mapping(args, "namespace"))
            {
                ns.Attributes[key] = value;
            }
            return ns;
        }));
        scope.Set("dict", new JinjaCallable("dict", args =>
        {
            var dict = new JinjaDict();
            foreach (var (key, value) in Mapping(args, "dict"))
            {
                dict[key] = value;
            }
            return dict;
        }));
        scope.Set("raise_exception", new JinjaCallable("raise_exception", args =>
            throw new ChatTemplateException(PyFormat.Str(args.Get(0, "message", "")), raisedByTemplate: true)));
        scope.Set("strftime_now", new JinjaCallable("strftime_now", args =>
            Strftime.Format(clock.GetLocalNow(), args.Expect("strftime_now", "format").GetString(0, "format", "strftime_now"))));
    }

    /// <summary>The keys and values of <c>f(mapping, **kwargs)</c>, as <c>dict()</c> and <c>namespace()</c> take them.</summary>
    private static List<(string Key, object? Value)> Mapping(CallArgs args, string function)
    {
        var pairs = new List<(string, object?)>();
        if (args.Positional.Count > 1)
        {
            throw new ChatTemplateException($"{function}() takes at most 1 positional argument");
        }
        if (args.Positional.Count == 1)
        {
            if (args.Positional[0] is not JinjaDict source)
            {
                throw new ChatTemplateException($"{function}() expects a mapping as its positional argument");
            }
            pairs.AddRange(source.Select(kv => (kv.Key as string
                ?? throw new ChatTemplateException($"{function}() keys must be strings"), kv.Value)));
        }
        pairs.AddRange(args.Named.Select(kv => (kv.Key, kv.Value)));
        return pairs;
    }

    private static object? Range(CallArgs args)
    {
        var n = args.Positional.Count;
        if (n is < 1 or > 3 || args.Named.Count > 0)
        {
            throw new ChatTemplateException($"range expected 1 to 3 positional arguments, got {n}");
        }
        var start = n == 1 ? 0 : args.GetInt(0, "start", "range", 0);
        var stop = args.GetInt(n == 1 ? 0 : 1, "stop", "range", 0);
        var step = n == 3 ? args.GetInt(2, "step", "range", 1) : 1;
        if (step == 0)
        {
            throw new ChatTemplateException("range() arg 3 must not be zero");
        }
        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count > MaxRange)
        {
            throw new ChatTemplateException($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        }
        var items = new List<object?>();
        for (var i = 0L; i < count; i++)
        {
            items.Add(start + (i * step));
        }
        return items;
    }
}
