namespace LlmServe.Agents.Agents;

/// <summary>
/// One step of an invocation and how long it took: a model call, or a tool call with the tool's name, whether it
/// failed and the result (or error) the model was given.
/// </summary>
internal sealed record AgentStep(string Kind, double DurationMs, string? Tool = null, bool Failed = false, string? Result = null)
{
    public const string ModelCall = "model_call";
    public const string ToolCall = "tool_call";
}
