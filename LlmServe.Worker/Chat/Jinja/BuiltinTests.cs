namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// The tests usable after <c>is</c> and in <c>select</c>/<c>selectattr</c>, with jinja2's definitions; a name missing
/// here fails the template at parse time, as jinja2 does ("No test named ...").
/// </summary>
internal static class BuiltinTests
{
    public delegate bool Test(object? value, CallArgs args);

    private static readonly Dictionary<string, Test> Table = new(StringComparer.Ordinal)
    {
        ["boolean"] = (v, a) => v is bool,
        ["callable"] = (v, a) => v is JinjaCallable or Undefined,
        ["defined"] = (v, a) => v is not Undefined,
        ["divisibleby"] = (v, a) => Values.Equal(Operators.Binary("%", v, Arg(a, "divisibleby")), 0L),
        ["eq"] = Equal,
        ["equalto"] = Equal,
        ["=="] = Equal,
        ["even"] = (v, a) => Values.Equal(Operators.Binary("%", v, 2L), 0L),
        ["false"] = (v, a) => v is false,
        ["float"] = (v, a) => v is double,
        ["ge"] = (v, a) => Values.Compare(v, Arg(a, "ge"), ">=") >= 0,
        [">="] = (v, a) => Values.Compare(v, Arg(a, ">="), ">=") >= 0,
        ["gt"] = Greater,
        [">"] = Greater,
        ["greaterthan"] = Greater,
        ["in"] = (v, a) => Values.Contains(Arg(a, "in"), v),
        ["integer"] = (v, a) => v is long,
        ["iterable"] = (v, a) => Values.IsIterable(v),
        ["le"] = (v, a) => Values.Compare(v, Arg(a, "le"), "<=") <= 0,
        ["<="] = (v, a) => Values.Compare(v, Arg(a, "<="), "<=") <= 0,
        ["lower"] = (v, a) => IsCased(PyFormat.Str(v), lower: true),
        ["lt"] = Less,
        ["<"] = Less,
        ["lessthan"] = Less,
        ["mapping"] = (v, a) => v is JinjaDict,
        ["ne"] = (v, a) => !Equal(v, a),
        ["!="] = (v, a) => !Equal(v, a),
        ["none"] = (v, a) => v is null,
        ["number"] = (v, a) => Values.IsNumber(v),
        ["odd"] = (v, a) => Values.Equal(Operators.Binary("%", v, 2L), 1L),
        ["sameas"] = (v, a) => SameAs(v, Arg(a, "sameas")),
        ["sequence"] = (v, a) => v is string or List<object?> or object?[] or JinjaDict or Undefined,
        ["string"] = (v, a) => v is string,
        ["true"] = (v, a) => v is true,
        ["undefined"] = (v, a) => v is Undefined,
        ["upper"] = (v, a) => IsCased(PyFormat.Str(v), lower: false),
    };

    public static bool Has(string name) => Table.ContainsKey(name);

    public static Test Get(string name) =>
        Table.TryGetValue(name, out var test) ? test : throw new ChatTemplateException($"no test named '{name}'");

    private static object? Arg(CallArgs args, string test) => args.Positional.Count == 1 && args.Named.Count == 0
        ? args.Positional[0]
        : throw new ChatTemplateException($"the '{test}' test takes exactly one argument");

    private static bool Equal(object? value, CallArgs args) => Values.Equal(value, Arg(args, "=="));

    private static bool Greater(object? value, CallArgs args) => Values.Compare(value, Arg(args, ">"), ">") > 0;

    private static bool Less(object? value, CallArgs args) => Values.Compare(value, Arg(args, "<"), "<") < 0;

    /// <summary>Python <c>is</c>: None, booleans and Undefined by value (they are singletons), the rest by reference.</summary>
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (Undefined, Undefined) => true,
        (long x, long y) => x == y && x is >= -5 and <= 256,
        _ => ReferenceEquals(a, b),
    };

    /// <summary>Python's <c>islower()</c>/<c>isupper()</c>: at least one cased letter and none of the other case.</summary>
    private static bool IsCased(string s, bool lower) =>
        s.Any(char.IsLetter) && s.Where(char.IsLetter).All(c => lower ? !char.IsUpper(c) : !char.IsLower(c))
        && s.Any(c => lower ? char.IsLower(c) : char.IsUpper(c));
}
