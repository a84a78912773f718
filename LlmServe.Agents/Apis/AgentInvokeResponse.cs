using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>The body of a <c>POST /v1/agents/{name}/invoke</c> answer.</summary>
internal sealed record AgentInvokeResponse(
    [property: JsonPropertyName("agent")] string Agent,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("steps")] IReadOnlyList<AgentStepResponse> Steps);
