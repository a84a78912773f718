using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>One step of an invocation in the response; tool calls also carry the tool, whether it failed and its result.</summary>
internal sealed record AgentStepResponse(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("duration_ms")] double DurationMs,
    [property: JsonPropertyName("tool"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tool = null,
    [property: JsonPropertyName("failed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Failed = null,
    [property: JsonPropertyName("result"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null);
