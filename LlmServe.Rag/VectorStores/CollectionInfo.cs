namespace LlmServe.Rag.VectorStores;

/// <summary>A collection: its name, the embedding model its vectors come from, and their dimension.</summary>
internal sealed record CollectionInfo(string Name, string EmbeddingModel, int Dimension);
