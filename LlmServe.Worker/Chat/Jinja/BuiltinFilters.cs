using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// The filters a chat template may use, with jinja2's behaviour, plus Hugging Face's <c>tojson</c>. A name missing
/// here fails the template at parse time, as jinja2 does ("No filter named ...").
/// </summary>
internal static partial class BuiltinFilters
{
    public delegate object? Filter(object? value, CallArgs args);

    private static readonly Dictionary<string, Filter> Table = new(StringComparer.Ordinal)
    {
        ["abs"] = (v, a) => v switch
        {
            long l => (object)Math.Abs(l),
            double d => Math.Abs(d),
            bool b => b ? 1L : 0L,
            _ => throw new ChatTemplateException($"bad operand type for abs(): '{Values.TypeName(v)}'"),
        },
        ["capitalize"] = (v, a) => PyString.Capitalize(PyFormat.Str(v)),
        ["count"] = (v, a) => Values.Length(v),
        ["d"] = Default,
        ["default"] = Default,
        ["e"] = Escape,
        ["escape"] = Escape,
        ["first"] = SequenceFilters.First,
        ["float"] = (v, a) => ToFloat(v) ?? a.Expect("float", "default").Get(0, "default", 0.0),
        ["int"] = ToInt,
        ["items"] = SequenceFilters.Items,
        ["join"] = SequenceFilters.Join,
        ["last"] = SequenceFilters.Last,
        ["length"] = (v, a) => Values.Length(v),
        ["list"] = (v, a) => Values.Iterate(v).ToList(),
        ["lower"] = (v, a) => PyFormat.Str(v).ToLowerInvariant(),
        ["map"] = SequenceFilters.Map,
        ["max"] = (v, a) => SequenceFilters.MinMax(v, a, "max", max: true),
        ["min"] = (v, a) => SequenceFilters.MinMax(v, a, "min", max: false),
        ["reject"] = (v, a) => SequenceFilters.Select(v, a, byAttribute: false, keep: false),
        ["rejectattr"] = (v, a) => SequenceFilters.Select(v, a, byAttribute: true, keep: false),
        ["replace"] = Replace,
        ["reverse"] = (v, a) => v is string s ? string.Concat(PyString.CodePoints(s).Reverse()) : new Generator(Values.Iterate(v).Reverse().ToList()),
        ["round"] = Round,
        ["safe"] = (v, a) => PyFormat.Str(v),
        ["select"] = (v, a) => SequenceFilters.Select(v, a, byAttribute: false, keep: true),
        ["selectattr"] = (v, a) => SequenceFilters.Select(v, a, byAttribute: true, keep: true),
        ["sort"] = SequenceFilters.Sort,
        ["string"] = (v, a) => PyFormat.Str(v),
        ["sum"] = SequenceFilters.Sum,
        ["title"] = (v, a) => string.Concat(WordStart().Split(PyFormat.Str(v)).Where(w => w.Length > 0)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant())),
        ["tojson"] = ToJson,
        ["trim"] = (v, a) => PyString.Strip(PyFormat.Str(v), a.Expect("trim", "chars").Get(0, "chars") as string),
        ["unique"] = SequenceFilters.Unique,
        ["upper"] = (v, a) => PyFormat.Str(v).ToUpperInvariant(),
    };

    public static bool Has(string name) => Table.ContainsKey(name);

    public static Filter Get(string name) =>
        Table.TryGetValue(name, out var filter) ? filter : throw new ChatTemplateException($"no filter named '{name}'");

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordStart();

    private static object? Default(object? value, CallArgs args)
    {
        args.Expect("default", "default_value", "boolean");
        var fallback = args.Get(0, "default_value", "");
        return value is Undefined || (Values.IsTrue(args.Get(1, "boolean", false)) && !Values.IsTrue(value)) ? fallback : value;
    }

    private static object? Escape(object? value, CallArgs args) => PyFormat.Str(value)
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>Python's <c>float(x)</c>, or null where Python raises TypeError or ValueError.</summary>
    private static double? ToFloat(object? value) => value switch
    {
        long or double or bool => Values.ToDouble(value),
        string s => s.Trim().Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "nan" or "+nan" or "-nan" => double.NaN,
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            var t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        },
        _ => null,
    };

    private static object? ToInt(object? value, CallArgs args)
    {
        args.Expect("int", "default", "base");
        var numberBase = args.GetInt(1, "base", "int", 10);
        switch (value)
        {
            case long or bool: return value is bool b ? (b ? 1L : 0L) : value;
            case double d when double.IsFinite(d): return (long)Math.Truncate(d);
            case string s when numberBase == 10 && long.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal),
                NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l): return l;
            case string s when numberBase is 2 or 8 or 16:
                try
                {
                    return Convert.ToInt64(s.Trim(), (int)numberBase);
                }
                catch (FormatException)
                {
                    break;
                }
        }
        return ToFloat(value) is double f && double.IsFinite(f) ? (long)Math.Truncate(f) : args.Get(0, "default", 0L);
    }

    private static object? Replace(object? value, CallArgs args)
    {
        args.Expect("replace", "old", "new", "count");
        var s = PyFormat.Str(value);
        var old = PyFormat.Str(args.Get(0, "old"));
        var replacement = PyFormat.Str(args.Get(1, "new"));
        var count = args.Get(2, "count") is null ? -1 : args.GetInt(2, "count", "replace", -1);
        if (old.Length == 0)
        {
            throw new ChatTemplateException("replace(): an empty 'old' string is not supported");
        }
        var sb = new StringBuilder();
        var from = 0;
        for (var n = 0; count < 0 || n < count; n++)
        {
            var at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }
        return sb.Append(s, from, s.Length - from).ToString();
    }

    private static object? Round(object? value, CallArgs args)
    {
        args.Expect("round", "precision", "method");
        var precision = (int)args.GetInt(0, "precision", "round", 0);
        var x = Values.IsNumber(value) ? Values.ToDouble(value)
            : throw new ChatTemplateException($"round(): expected a number, not {Values.TypeName(value)}");
        if (value is long or bool && precision >= 0)
        {
            return value is bool b ? (b ? 1L : 0L) : value;
        }
        var scale = Math.Pow(10, precision);
        return (args.Get(1, "method", "common") as string) switch
        {
            "common" => Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(x * scale) / scale,
            "floor" => Math.Floor(x * scale) / scale,
            var m => throw new ChatTemplateException($"round(): method must be 'common', 'ceil' or 'floor', not '{m}'"),
        };
    }

    /// <summary>Hugging Face's <c>tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)</c>.</summary>
    private static object? ToJson(object? value, CallArgs args)
    {
        args.Expect("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
        var indent = args.Get(1, "indent") switch
        {
            null => null,
            long n => new string(' ', (int)Math.Clamp(n, 0, 64)),
            string s => s,
            var other => throw new ChatTemplateException($"tojson(): indent must be an integer, not {Values.TypeName(other)}"),
        };
        string? itemSeparator = null, keySeparator = null;
        if (args.Get(2, "separators") is { } separators)
        {
            var pair = Values.Iterate(separators);
            if (pair.Count != 2 || pair[0] is not string item || pair[1] is not string key)
            {
                throw new ChatTemplateException("tojson(): separators must be a pair of strings");
            }
            (itemSeparator, keySeparator) = (item, key);
        }
        return JsonDump.Serialize(value, indent, itemSeparator, keySeparator,
            Values.IsTrue(args.Get(3, "sort_keys", false)), Values.IsTrue(args.Get(0, "ensure_ascii", false)));
    }
}
