using System.Globalization;

namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The filters over sequences: selection, mapping, ordering and aggregation, as jinja2 defines them.</summary>
internal static class SequenceFilters
{
    /// <summary>jinja2's <c>make_attrgetter</c>: "a.b.0" looks up a, then b, then item 0, each like <c>x[key]</c>.</summary>
    private static Func<object?, object?> AttrGetter(object? attribute, object? fallback = null, bool lowerStrings = false)
    {
        var parts = attribute switch
        {
            string s => s.Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (object)p).ToArray(),
            null => [],
            _ => [attribute],
        };
        return item =>
        {
            foreach (var part in parts)
            {
                item = Access.GetItem(item, part);
            }
            if (item is Undefined && fallback is not null)
            {
                item = fallback;
            }
            return lowerStrings && item is string s ? s.ToLowerInvariant() : item;
        };
    }

    public static object? First(object? value, CallArgs args)
    {
        var items = Values.Iterate(value);
        return items.Count > 0 ? items[0] : new Undefined("No first item, sequence was empty.");
    }

    public static object? Last(object? value, CallArgs args)
    {
        if (value is Generator)
        {
            throw new ChatTemplateException("'generator' object is not reversible");
        }
        var items = Values.Iterate(value);
        return items.Count > 0 ? items[^1] : new Undefined("No last item, sequence was empty.");
    }

    public static object? Items(object? value, CallArgs args) => value switch
    {
        Undefined => new Generator([]),
        JinjaDict dict => new Generator(dict.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList()),
        _ => throw new ChatTemplateException("Can only get item pairs from a mapping."),
    };

    public static object? Join(object? value, CallArgs args)
    {
        args.Expect("join", "d", "attribute");
        var items = Values.Iterate(value).AsEnumerable();
        if (args.Get(1, "attribute") is { } attribute)
        {
            items = items.Select(AttrGetter(attribute));
        }
        return string.Join(PyFormat.Str(args.Get(0, "d", "")), items.Select(PyFormat.Str));
    }

    /// <summary><c>map(attribute='x', default=d)</c> or <c>map('filter', args...)</c>.</summary>
    public static object? Map(object? value, CallArgs args)
    {
        if (!Values.IsTrue(value))
        {
            return new Generator([]);
        }
        Func<object?, object?> map;
        if (args.Positional.Count == 0 && args.Named.TryGetValue("attribute", out var attribute))
        {
            args.Expect("map", "attribute", "default");
            map = AttrGetter(attribute, args.Get(1, "default"));
        }
        else
        {
            var name = args.Positional.Count > 0 && args.Positional[0] is string s ? s
                : throw new ChatTemplateException("map requires a filter argument");
            var filter = BuiltinFilters.Get(name);
            var rest = args.Skip(1);
            map = item => filter(item, rest);
        }
        return new Generator(Values.Iterate(value).Select(map).ToList());
    }

    /// <summary><c>select</c>/<c>reject</c> (test on the item) and <c>selectattr</c>/<c>rejectattr</c> (test on an attribute).</summary>
    public static object? Select(object? value, CallArgs args, bool byAttribute, bool keep)
    {
        if (!Values.IsTrue(value))
        {
            return new Generator([]);
        }
        var offset = byAttribute ? 1 : 0;
        if (byAttribute && args.Positional.Count == 0)
        {
            throw new ChatTemplateException("Missing parameter for attribute name");
        }
        var get = byAttribute ? AttrGetter(args.Positional[0]) : (x => x);
        Func<object?, bool> test = Values.IsTrue;
        if (args.Positional.Count > offset)
        {
            var name = args.Positional[offset] as string
                ?? throw new ChatTemplateException("the test name must be a string");
            var run = BuiltinTests.Get(name);
            var rest = args.Skip(offset + 1);
            test = x => run(x, rest);
        }
        return new Generator(Values.Iterate(value).Where(item => test(get(item)) == keep).ToList());
    }

    public static object? Unique(object? value, CallArgs args)
    {
        args.Expect("unique", "case_sensitive", "attribute");
        var key = AttrGetter(args.Get(1, "attribute"), lowerStrings: !Values.IsTrue(args.Get(0, "case_sensitive", false)));
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in Values.Iterate(value))
        {
            var k = key(item);
            if (!seen.Any(s => Values.Equal(s, k)))
            {
                seen.Add(k);
                result.Add(item);
            }
        }
        return new Generator(result);
    }

    public static object? Sort(object? value, CallArgs args)
    {
        args.Expect("sort", "reverse", "case_sensitive", "attribute");
        var key = AttrGetter(args.Get(2, "attribute"), lowerStrings: !Values.IsTrue(args.Get(1, "case_sensitive", false)));
        var items = Values.Iterate(value).Select(item => (Key: key(item), Item: item)).ToList();
        var sorted = Values.IsTrue(args.Get(0, "reverse", false))
            ? items.OrderByDescending(x => x.Key, Comparer<object?>.Create((a, b) => Values.Compare(a, b)))
            : items.OrderBy(x => x.Key, Comparer<object?>.Create((a, b) => Values.Compare(a, b)));
        return sorted.Select(x => x.Item).ToList();
    }

    public static object? MinMax(object? value, CallArgs args, string function, bool max)
    {
        args.Expect(function, "case_sensitive", "attribute");
        var key = AttrGetter(args.Get(1, "attribute"), lowerStrings: !Values.IsTrue(args.Get(0, "case_sensitive", false)));
        var items = Values.Iterate(value);
        if (items.Count == 0)
        {
            return new Undefined("No aggregated item, sequence was empty.");
        }
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var c = Values.Compare(key(item), key(best));
            if (max ? c > 0 : c < 0)
            {
                best = item;
            }
        }
        return best;
    }

    public static object? Sum(object? value, CallArgs args)
    {
        args.Expect("sum", "attribute", "start");
        var get = AttrGetter(args.Get(0, "attribute"));
        return Values.Iterate(value).Aggregate(args.Get(1, "start", 0L), (total, item) => Operators.Binary("+", total, get(item)));
    }
}
