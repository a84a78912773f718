using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Collections;

/// <summary>A question to one collection; null fields take the service defaults.</summary>
internal sealed record CollectionQuery(
    string Collection,
    string Question,
    int? TopK,
    VectorFilter? Filter,
    bool Hybrid,
    string? Model,
    int? MaxTokens);
