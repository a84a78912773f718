namespace LlmServe.Rag.VectorStores;

/// <summary>
/// Where embedded chunks live: the embedded HNSW store, PostgreSQL + pgvector or Milvus.
/// </summary>
/// <remarks>
/// A small interface of our own rather than Microsoft.Extensions.VectorData's collection abstraction: every
/// operation here is per document (replace all of a document's chunks at once, delete a document), which that
/// abstraction does not express, and its LINQ filter trees would need a translator per store for what is only
/// metadata equality here. Similarity is cosine everywhere; scores are 1 - cosine distance.
/// </remarks>
internal interface IVectorStore
{
    /// <summary>Creates the collection, or checks that an existing one has the same model and dimension.</summary>
    /// <exception cref="CollectionConflictException">It exists with another model or dimension.</exception>
    Task EnsureCollectionAsync(CollectionInfo collection, CancellationToken cancellationToken);

    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken);

    /// <summary>The collection, or null when it does not exist.</summary>
    Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken);

    /// <summary>Drops the collection and everything in it; false when it did not exist.</summary>
    Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces every record of <paramref name="document"/> with <paramref name="records"/> (idempotent). When it
    /// returns, the change is durable and searchable.
    /// </summary>
    Task UpsertDocumentAsync(string collection, string document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken);

    /// <summary>Removes every record of the document; false when it had none.</summary>
    Task<bool> DeleteDocumentAsync(string collection, string document, CancellationToken cancellationToken);

    /// <summary>The <paramref name="topK"/> records most similar to <paramref name="query"/> that pass the filter, best first.</summary>
    Task<IReadOnlyList<VectorHit>> SearchAsync(
        string collection, float[] query, int topK, VectorFilter? filter, CancellationToken cancellationToken);

    /// <summary>Every record of the collection (for the lexical half of hybrid search), vectors included.</summary>
    Task<IReadOnlyList<VectorRecord>> ListRecordsAsync(string collection, CancellationToken cancellationToken);
}
