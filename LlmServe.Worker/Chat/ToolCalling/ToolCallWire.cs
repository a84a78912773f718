namespace LlmServe.Worker.Chat.ToolCalling;

/// <summary>Tool calls in OpenAI's wire shapes: whole calls in a message, and the deltas that stream them.</summary>
internal static class ToolCallWire
{
    /// <summary>Arguments stream in pieces of this many characters, as a model's tokens would arrive.</summary>
    private const int ArgumentsPiece = 16;

    public static string NewId() => $"call_{Guid.NewGuid():N}"[..29];

    public static object[] Calls(IReadOnlyList<ParsedToolCall> calls) =>
        calls.Select(c => (object)new { id = NewId(), type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray();

    /// <summary>
    /// Delta entries for <c>delta.tool_calls</c>, one per chunk: each call's id, type and name first (arguments ""),
    /// then its arguments in fragments.
    /// </summary>
    public static IEnumerable<object> Deltas(IReadOnlyList<ParsedToolCall> calls)
    {
        for (var index = 0; index < calls.Count; index++)
        {
            var call = calls[index];
            yield return new { index, id = NewId(), type = "function", function = new { name = call.Name, arguments = "" } };
            for (var at = 0; at < call.Arguments.Length; at += ArgumentsPiece)
            {
                yield return new { index, function = new { arguments = call.Arguments.Substring(at, Math.Min(ArgumentsPiece, call.Arguments.Length - at)) } };
            }
        }
    }
}
