using System.Text.Json.Serialization;

namespace LlmServe.Rag.Apis;

/// <summary>The OpenAI list envelope (<c>{"object":"list","data":[...]}</c>) around the indexed documents.</summary>
internal sealed record DocumentListResponse([property: JsonPropertyName("data")] IReadOnlyList<DocumentResponse> Data)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}
