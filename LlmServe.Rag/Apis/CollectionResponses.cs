using System.Text.Json.Serialization;
using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Apis;

/// <summary>A collection as the API shows it.</summary>
internal sealed record CollectionResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("embedding_model")] string EmbeddingModel,
    [property: JsonPropertyName("dimension")] int Dimension,
    [property: JsonPropertyName("model")] string Model)
{
    /// <summary>The OpenAI model name that answers from this collection.</summary>
    public const string ModelPrefix = "rag/";

    public static CollectionResponse From(CollectionInfo info) => new(info.Name, info.EmbeddingModel, info.Dimension, ModelPrefix + info.Name);
}

internal sealed record CollectionListResponse([property: JsonPropertyName("data")] IReadOnlyList<CollectionResponse> Data)
{
    [JsonPropertyName("object")]
    public string Object => "list";
}

internal sealed record IngestResponse(
    [property: JsonPropertyName("document")] string Document,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("chunks")] int Chunks);
