namespace LlmServe.Rag.VectorStores;

/// <summary>A collection request contradicts what exists (another model or dimension), or names no collection.</summary>
internal sealed class CollectionConflictException(string message) : Exception(message);
