using System.Text.Json.Serialization;

namespace LlmServe.Gateway.Apis;

/// <summary>One entry of <c>/v1/models</c>, in OpenAI's shape.</summary>
internal sealed record ModelCard(
    [property: JsonPropertyName("id"), JsonPropertyOrder(-2)] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy)
{
    [JsonPropertyName("object"), JsonPropertyOrder(-1)]
    public string Object => "model";
}
