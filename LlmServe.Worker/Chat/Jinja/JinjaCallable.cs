namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A function value: a global such as <c>range</c>, a macro, or a method bound to its receiver.</summary>
internal sealed class JinjaCallable(string name, Func<CallArgs, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(CallArgs args) => invoke(args);

    public override string ToString() => $"<function {Name}>";
}
