using System.Text.Json.Serialization;

namespace LlmServe.Gateway.Apis;

/// <summary>The <c>/v1/models</c> response, in OpenAI's shape.</summary>
internal sealed record ModelList([property: JsonPropertyName("data")] IReadOnlyList<ModelCard> Data)
{
    [JsonPropertyName("object"), JsonPropertyOrder(-1)]
    public string Object => "list";
}
