namespace LlmServe.Rag.VectorStores;

/// <summary>Checks every store applies the same way before it writes or searches.</summary>
internal static class CollectionGuard
{
    public static void EnsureSame(CollectionInfo existing, CollectionInfo requested)
    {
        if (existing.Dimension != requested.Dimension || !string.Equals(existing.EmbeddingModel, requested.EmbeddingModel, StringComparison.Ordinal))
        {
            throw new CollectionConflictException(
                $"The collection '{existing.Name}' exists with model '{existing.EmbeddingModel}' and dimension {existing.Dimension}.");
        }
    }

    public static void EnsureDimension(CollectionInfo collection, IReadOnlyList<VectorRecord> records)
    {
        foreach (var record in records)
        {
            EnsureDimension(collection, record.Vector);
        }
    }

    public static void EnsureDimension(CollectionInfo collection, float[] vector)
    {
        if (vector.Length != collection.Dimension)
        {
            throw new ArgumentException(
                $"A vector of dimension {vector.Length} does not fit collection '{collection.Name}' (dimension {collection.Dimension}).");
        }
    }
}
