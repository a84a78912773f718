using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>The body of a <c>POST /v1/agents/{name}/invoke</c> answer; <c>stop_reason</c> is completed or step_limit.</summary>
internal sealed record AgentInvokeResponse(
    [property: JsonPropertyName("agent")] string Agent,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("steps")] IReadOnlyList<AgentStepResponse> Steps,
    [property: JsonPropertyName("stop_reason")] string StopReason);
