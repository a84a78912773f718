namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// The value model and its Python semantics. A template value is one of: <c>null</c> (None), <see cref="Undefined"/>,
/// <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="List{T}"/> of values
/// (list), <c>object?[]</c> (tuple), <see cref="JinjaDict"/>, <see cref="Namespace"/>, <see cref="LoopInfo"/>,
/// <see cref="Generator"/> or <see cref="JinjaCallable"/>.
/// </summary>
internal static class Values
{
    public static bool IsTrue(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        object?[] tuple => tuple.Length > 0,
        JinjaDict dict => dict.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException("not a number"),
    };

    public static string TypeName(object? value, bool forMessage = false)
    {
        var name = value switch
        {
            null => "NoneType",
            Undefined => "Undefined",
            bool => "bool",
            long => "int",
            double => "float",
            string => "str",
            List<object?> => "list",
            object?[] => "tuple",
            JinjaDict => "dict",
            Namespace => "Namespace",
            LoopInfo => "LoopContext",
            JinjaCallable => "function",
            Generator => "generator",
            _ => value.GetType().Name,
        };
        return !forMessage ? name : value is null ? "None" : $"{name} object";
    }

    /// <summary>Python <c>==</c>: numbers across int/float/bool, sequences element-wise, dicts by content.</summary>
    public static bool Equal(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        }
        return (a, b) switch
        {
            (null, null) => true,
            (Undefined, Undefined) => true,
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => Equal(p.First, p.Second)),
            (object?[] x, object?[] y) => x.Length == y.Length && x.Zip(y).All(p => Equal(p.First, p.Second)),
            (JinjaDict x, JinjaDict y) => x.Count == y.Count
                && x.All(kv => y.TryGetValue(kv.Key, out var other) && Equal(kv.Value, other)),
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>Python ordering for <c>&lt;</c>, <c>&gt;</c> and sorting; anything else is a TypeError.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        }
        switch (a, b)
        {
            case (Undefined u, _): throw u.Error();
            case (_, Undefined u): throw u.Error();
            case (string x, string y): return string.CompareOrdinal(x, y);
            case (List<object?> x, List<object?> y): return CompareSequences(x, y, op);
            case (object?[] x, object?[] y): return CompareSequences(x, y, op);
        }
        throw new ChatTemplateException(
            $"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static int CompareSequences(IReadOnlyList<object?> x, IReadOnlyList<object?> y, string op)
    {
        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            if (!Equal(x[i], y[i]))
            {
                return Compare(x[i], y[i], op);
            }
        }
        return x.Count.CompareTo(y.Count);
    }

    /// <summary>An int or bool as a long (Python's bool is an int).</summary>
    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException($"'{TypeName(value)}' is not an integer"),
    };

    /// <summary>Python <c>iter()</c>: lists and tuples by item, strings by character, dicts by key, Undefined as empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        List<object?> list => list,
        object?[] tuple => tuple,
        JinjaDict dict => dict.Keys.ToList<object?>(),
        string s => PyString.CodePoints(s).ToList<object?>(),
        Generator g => g.Items,
        Undefined => [],
        _ => throw new ChatTemplateException($"'{TypeName(value)}' object is not iterable"),
    };

    public static bool IsIterable(object? value) => value is List<object?> or object?[] or JinjaDict or string or Generator or Undefined;

    /// <summary>Python <c>len()</c>.</summary>
    public static long Length(object? value) => value switch
    {
        string s => PyString.Length(s),
        List<object?> list => list.Count,
        object?[] tuple => tuple.Length,
        JinjaDict dict => dict.Count,
        Undefined => 0,
        _ => throw new ChatTemplateException($"object of type '{TypeName(value)}' has no len()"),
    };

    /// <summary>Python <c>in</c>.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub
            ? s.Contains(sub, StringComparison.Ordinal)
            : throw new ChatTemplateException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        List<object?> or object?[] or Generator => Iterate(container).Any(x => Equal(x, item)),
        JinjaDict dict => item is not null && dict.ContainsKey(item),
        Undefined => false,
        _ => throw new ChatTemplateException($"argument of type '{TypeName(container)}' is not iterable"),
    };
}
