namespace LlmServe.Rag.VectorStores;

/// <summary>An operation named a collection that does not exist.</summary>
internal sealed class CollectionNotFoundException(string name) : Exception($"The collection '{name}' does not exist.")
{
    public string Name { get; } = name;
}
