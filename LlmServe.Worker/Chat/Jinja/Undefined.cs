namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// jinja2's default <c>Undefined</c>: a missing variable, attribute or item. It is falsy, renders as "", iterates as
/// empty and has length 0, but reading an attribute of it, calling it or doing arithmetic with it is an error.
/// </summary>
internal sealed class Undefined(string hint)
{
    /// <summary>Why the value is undefined, in jinja2's words (for example <c>'dict object' has no attribute 'x'</c>).</summary>
    public string Hint { get; } = hint;

    public static Undefined Name(string name) => new($"'{name}' is undefined");

    public static Undefined Attribute(object? owner, string name) =>
        new($"'{Values.TypeName(owner, forMessage: true)}' has no attribute '{name}'");

    public static Undefined Item(object? owner, object? key) => key is string s
        ? Attribute(owner, s)
        : new($"{Values.TypeName(owner, forMessage: true)} has no element {PyFormat.Repr(key)}");

    public ChatTemplateException Error() => new(Hint);

    public override string ToString() => "";
}
