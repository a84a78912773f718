using System.Text.Json.Serialization;

namespace LlmServe.Rag.Apis;

/// <summary>One indexed document in <c>GET /v1/rag/documents</c>.</summary>
internal sealed record DocumentResponse(
    [property: JsonPropertyName("document")] string Document,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("chunks")] int Chunks);
