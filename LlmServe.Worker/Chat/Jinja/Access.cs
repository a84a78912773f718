namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// <c>x.name</c>, <c>x[key]</c> and <c>x[a:b:c]</c> as jinja2's sandboxed environment resolves them.
/// </summary>
/// <remarks>
/// <c>x.name</c> tries a Python attribute first (so <c>message.items</c> is the dict method, as in jinja2) and then the
/// item; <c>x[key]</c> tries the item first and then, for string keys, the attribute. What is found by neither is
/// <see cref="Undefined"/>, except on an Undefined receiver, which is an error.
/// </remarks>
internal static class Access
{
    public static object? GetAttr(object? obj, string name)
    {
        switch (obj)
        {
            case Undefined u:
                throw u.Error();
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attr) ? attr : Undefined.Attribute(obj, name);
            case LoopInfo loop:
                return loop.Get(name);
        }
        if (BuiltinMethods.TryBind(obj, name, out var method))
        {
            return method;
        }
        return obj is JinjaDict dict && dict.TryGetValue(name, out var value) ? value : Undefined.Attribute(obj, name);
    }

    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case Undefined u:
                throw u.Error();
            case JinjaDict dict when key is not null && dict.TryGetValue(key, out var value):
                return value;
            case List<object?> or object?[] when key is long or bool:
                var items = (IReadOnlyList<object?>)obj;
                var i = Index(key, items.Count);
                if (i >= 0)
                {
                    return items[i];
                }
                break;
            case string s when key is long or bool:
                var points = PyString.CodePoints(s);
                var at = Index(key, points.Count);
                if (at >= 0)
                {
                    return points[at];
                }
                break;
        }
        return key is string name ? GetAttrOnly(obj, name) : Undefined.Item(obj, key);
    }

    private static object? GetAttrOnly(object? obj, string name) => obj switch
    {
        Namespace or LoopInfo => GetAttr(obj, name),
        _ => BuiltinMethods.TryBind(obj, name, out var method) ? method : Undefined.Attribute(obj, name),
    };

    private static int Index(object? key, int count)
    {
        var i = Values.ToLong(key);
        if (i < 0)
        {
            i += count;
        }
        return i >= 0 && i < count ? (int)i : -1;
    }

    /// <summary>Python slicing of lists, tuples and strings; on anything else the result is Undefined.</summary>
    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        if (obj is Undefined u)
        {
            throw u.Error();
        }
        IReadOnlyList<object?>? items = obj switch
        {
            List<object?> list => list,
            object?[] tuple => tuple,
            string s => PyString.CodePoints(s).ToList<object?>(),
            _ => null,
        };
        if (items is null || !IsIndex(start) || !IsIndex(stop) || !IsIndex(step))
        {
            return Undefined.Item(obj, "slice");
        }
        var picked = SliceIndices(items.Count, AsLong(start), AsLong(stop), AsLong(step)).Select(i => items[i]);
        return obj switch
        {
            string => string.Concat(picked.Cast<string>()),
            object?[] => picked.ToArray(),
            _ => picked.ToList(),
        };
    }

    private static bool IsIndex(object? value) => value is null or long or bool;

    private static long? AsLong(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => null,
    };

    /// <summary>The indices <c>range(len)[start:stop:step]</c> selects, following CPython's <c>PySlice_AdjustIndices</c>.</summary>
    public static IEnumerable<int> SliceIndices(int length, long? start, long? stop, long? step)
    {
        var s = step ?? 1;
        if (s == 0)
        {
            throw new ChatTemplateException("slice step cannot be zero");
        }
        long Clamp(long? value, long fallback)
        {
            if (value is not long v)
            {
                return fallback;
            }
            if (v < 0)
            {
                v += length;
                return v < 0 ? (s < 0 ? -1 : 0) : v;
            }
            return v >= length ? (s < 0 ? length - 1 : length) : v;
        }
        var first = Clamp(start, s < 0 ? length - 1 : 0);
        var last = Clamp(stop, s < 0 ? -1 : length);
        for (var i = first; s > 0 ? i < last : i > last; i += s)
        {
            yield return (int)i;
        }
    }
}
