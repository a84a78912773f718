namespace LlmServe.Worker.Chat.Jinja;

/// <summary>
/// What jinja2's lazy filters (<c>select</c>, <c>map</c>, <c>unique</c>, <c>items</c>, ...) return: iterable, always
/// truthy and without a length, so <c>{% if xs | select(...) %}</c> is true even when nothing was selected, and
/// <c>xs | select(...) | length</c> is an error, both exactly as in jinja2.
/// </summary>
internal sealed class Generator(IReadOnlyList<object?> items)
{
    public IReadOnlyList<object?> Items { get; } = items;

    public override string ToString() => "<generator object>";
}
