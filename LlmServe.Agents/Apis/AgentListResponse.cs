using System.Text.Json.Serialization;

namespace LlmServe.Agents.Apis;

/// <summary>The OpenAI list envelope (<c>{"object":"list","data":[...]}</c>) around the agents.</summary>
internal sealed record AgentListResponse([property: JsonPropertyName("data")] IReadOnlyList<AgentResponse> Data)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}
