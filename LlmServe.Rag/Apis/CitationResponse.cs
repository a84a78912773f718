using System.Text.Json.Serialization;

namespace LlmServe.Rag.Apis;

/// <summary>Source [<c>index</c>] of an answer: where it came from and how well it matched.</summary>
internal sealed record CitationResponse(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("document")] string Document,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("chunk")] int Chunk,
    [property: JsonPropertyName("heading")] string? Heading,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("text")] string Text);
