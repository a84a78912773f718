using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmServe.Rag.Apis;

/// <summary>The body of a <c>POST /v1/rag/query</c> answer; <c>usage</c> is the gateway's, passed through.</summary>
internal sealed record RagQueryResponse(
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("citations")] IReadOnlyList<CitationResponse> Citations,
    [property: JsonPropertyName("usage")] JsonElement? Usage);
