using LlmServe.Rag.Ingestion;

namespace LlmServe.Rag.Retrieval;

/// <summary>
/// Chunks held in memory and searched with BM25. Writers rebuild an immutable snapshot under a lock and publish
/// it atomically, so searches never lock and never see a half-built index.
/// </summary>
internal sealed class InMemoryLexicalStore : IChunkStore, IRetriever
{
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot = Snapshot.Create([]);

    /// <inheritdoc/>
    public Task UpsertAsync(string document, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(document);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Any(c => c.Document != document))
        {
            throw new ArgumentException($"Every chunk must belong to '{document}'.", nameof(chunks));
        }
        lock (_writeLock)
        {
            var kept = _snapshot.Chunks.Where(c => c.Document != document);
            _snapshot = Snapshot.Create([.. kept, .. chunks]);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DocumentSummary>> ListDocumentsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DocumentSummary>>([.. _snapshot.Chunks
            .GroupBy(c => c.Document, StringComparer.Ordinal)
            .Select(g => new DocumentSummary(g.Key, g.First().Title, g.Count()))
            .OrderBy(d => d.Document, StringComparer.Ordinal)]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var snapshot = _snapshot;
        var hits = snapshot.Index.Search(LexicalTokenizer.Tokenize(question), topK);
        return Task.FromResult<IReadOnlyList<RetrievedChunk>>(
            [.. hits.Select(h => new RetrievedChunk(snapshot.Chunks[h.Document], h.Score))]);
    }

    /// <summary>The words a chunk is found by: its document title and heading name the topic even when the text does not.</summary>
    internal static IReadOnlyList<string> IndexedTerms(DocumentChunk chunk)
    {
        // The first section's heading is usually the title itself; counting it twice would favour first chunks.
        var heading = string.Equals(chunk.Heading, chunk.Title, StringComparison.Ordinal) ? null : chunk.Heading;
        return LexicalTokenizer.Tokenize($"{chunk.Title}\n{heading}\n{chunk.Text}");
    }

    private sealed record Snapshot(IReadOnlyList<DocumentChunk> Chunks, Bm25Index Index)
    {
        public static Snapshot Create(IReadOnlyList<DocumentChunk> chunks) =>
            new(chunks, new Bm25Index([.. chunks.Select(IndexedTerms)]));
    }
}
