using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>One agent in <c>GET /v1/agents</c>.</summary>
internal sealed record AgentResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("instructions")] string Instructions,
    [property: JsonPropertyName("max_tokens")] int MaxTokens,
    [property: JsonPropertyName("temperature")] double? Temperature);
