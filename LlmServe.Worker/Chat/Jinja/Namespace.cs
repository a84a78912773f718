namespace LlmServe.Worker.Chat.Jinja;

/// <summary>The object <c>namespace()</c> returns: the one value whose attributes <c>{% set ns.x = ... %}</c> may change, so
/// loops can carry state out of their scope.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
