using System.Text.Json.Serialization;

namespace LlmServe.Agents.Agents;

/// <summary>
/// Something that happened during an invocation, for a client watching it live (<c>"stream": true</c>): a model
/// call started or finished, a tool call finished (with its arguments and result), the answer text, the end.
/// </summary>
internal sealed record AgentRunEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("step"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Step = null,
    [property: JsonPropertyName("duration_ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DurationMs = null,
    [property: JsonPropertyName("tool"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tool = null,
    [property: JsonPropertyName("arguments"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Arguments = null,
    [property: JsonPropertyName("failed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Failed = null,
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null)
{
    public const string ModelCallStarted = "agent.model_call.started";
    public const string ModelCallCompleted = "agent.model_call.completed";
    public const string ToolCallCompleted = "agent.tool_call.completed";
}
