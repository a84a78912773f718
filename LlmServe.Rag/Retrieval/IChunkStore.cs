using LlmServe.Rag.Ingestion;

namespace LlmServe.Rag.Retrieval;

/// <summary>Where ingestion puts chunks. In memory today; HNSW or pgvector stores implement the same seam later.</summary>
internal interface IChunkStore
{
    /// <summary>Replaces every chunk of <paramref name="document"/> with <paramref name="chunks"/>.</summary>
    Task UpsertAsync(string document, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken);

    /// <summary>The indexed documents, ordered by name.</summary>
    Task<IReadOnlyList<DocumentSummary>> ListDocumentsAsync(CancellationToken cancellationToken);
}
