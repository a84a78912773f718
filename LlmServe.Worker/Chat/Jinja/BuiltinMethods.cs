namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// The Python methods templates call on values: <c>str</c> methods (<see cref="StringMethods"/>), <c>dict.items()</c>,
/// <c>get</c>, <c>keys</c>, <c>values</c>, and <c>list.count</c>/<c>index</c>. Methods that would change a value
/// (<c>append</c>, <c>pop</c>, <c>update</c>, ...) are refused, as in Hugging Face's immutable sandbox.
/// </summary>
internal static class BuiltinMethods
{
    private static readonly HashSet<string> DictAttributes =
        ["items", "keys", "values", "get", "pop", "popitem", "setdefault", "update", "clear", "copy", "fromkeys"];

    private static readonly HashSet<string> ListAttributes =
        ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"];

    /// <summary>Every method name a template may call; calls of other <c>x.name()</c> fail at parse time.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(
        StringMethods.Names.Concat(["items", "keys", "values", "get", "count", "index", "cycle"]), StringComparer.Ordinal);

    /// <summary>
    /// Finds <paramref name="name"/> as a Python attribute of <paramref name="receiver"/>. True means the attribute
    /// exists (and hides a dict key of that name); <paramref name="method"/> is then a callable, or Undefined for
    /// attributes the sandbox or this interpreter does not allow.
    /// </summary>
    public static bool TryBind(object? receiver, string name, out object? method)
    {
        method = receiver switch
        {
            string s => StringMethods.Bind(s, name),
            JinjaDict d when DictAttributes.Contains(name) => BindDict(d, name),
            List<object?> or object?[] when ListAttributes.Contains(name) => BindList((IReadOnlyList<object?>)receiver, name),
            _ => null,
        };
        return method is not null;
    }

    private static object BindDict(JinjaDict dict, string name) => name switch
    {
        "items" => NoArgs("items", () => dict.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList()),
        "keys" => NoArgs("keys", () => dict.Keys.ToList<object?>()),
        "values" => NoArgs("values", () => dict.Values.ToList()),
        "get" => new JinjaCallable("get", args =>
        {
            args.Expect("get", "key", "default");
            var key = args.Get(0, "key");
            return key is not null && dict.TryGetValue(key, out var value) ? value : args.Get(1, "default");
        }),
        _ => Unsafe("dict", name),
    };

    private static object BindList(IReadOnlyList<object?> list, string name) => name switch
    {
        "count" => new JinjaCallable("count", args =>
            (long)list.Count(x => Values.Equal(x, args.Expect("count", "value").Get(0, "value")))),
        "index" => new JinjaCallable("index", args =>
        {
            var value = args.Expect("index", "value").Get(0, "value");
            for (var i = 0; i < list.Count; i++)
            {
                if (Values.Equal(list[i], value))
                {
                    return (long)i;
                }
            }
            throw new ChatTemplateException($"{PyFormat.Repr(value)} is not in list");
        }),
        _ => Unsafe("list", name),
    };

    private static Undefined Unsafe(string type, string name) =>
        new($"access to attribute '{name}' of '{type}' object is unsafe or not supported");

    private static JinjaCallable NoArgs(string name, Func<object?> result) => new(name, args =>
    {
        args.Expect(name);
        return result();
    });
}
