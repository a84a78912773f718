namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// Variables visible at one point of a render. Each <c>for</c> iteration and each macro call gets a child scope, so
/// <c>set</c> inside them does not leak out (hence <c>namespace()</c>); <c>if</c> blocks share their parent's scope.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._vars.TryGetValue(name, out value))
            {
                return true;
            }
        }
        value = null;
        return false;
    }

    public Scope? Parent { get; } = parent;

    public object? Get(string name) => TryGet(name, out var value) ? value : Undefined.Name(name);

    public void Set(string name, object? value) => _vars[name] = value;
}
