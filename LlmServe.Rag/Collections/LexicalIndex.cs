using LlmServe.Rag.Retrieval;
using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Collections;

/// <summary>BM25 over a collection's records (title, heading and text, as the in-memory lexical store indexes them).</summary>
internal sealed class LexicalIndex(IReadOnlyList<VectorRecord> records)
{
    private readonly Bm25Index _index = new([.. records.Select(r => InMemoryLexicalStore.IndexedTerms(CollectionService.ToChunk(r)))]);

    /// <summary>The best <paramref name="topK"/> records passing the filter, best first.</summary>
    public IReadOnlyList<VectorRecord> Search(string question, int topK, VectorFilter? filter) =>
        [.. _index.Search(LexicalTokenizer.Tokenize(question), records.Count == 0 ? 1 : records.Count)
            .Select(h => records[h.Document])
            .Where(r => filter?.Matches(r) ?? true)
            .Take(topK)];
}
