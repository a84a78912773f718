using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>One step of an invocation in the response.</summary>
internal sealed record AgentStepResponse(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("duration_ms")] double DurationMs);
