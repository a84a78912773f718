using System.Collections.Concurrent;
using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Collections;

/// <summary>
/// A BM25 index per collection for the lexical half of hybrid search, built from the store's records on first use
/// and dropped when this process changes the collection.
/// </summary>
internal sealed class LexicalIndexCache(IVectorStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LexicalIndex>>> _indexes = new(StringComparer.Ordinal);

    public async Task<LexicalIndex> GetAsync(string collection, CancellationToken cancellationToken)
    {
        // Built without the caller's token: the index is shared, one caller giving up must not fail it for others.
        var entry = _indexes.GetOrAdd(collection, c => new Lazy<Task<LexicalIndex>>(() => BuildAsync(c)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            _indexes.TryRemove(KeyValuePair.Create(collection, entry));
            throw;
        }
    }

    public void Invalidate(string collection) => _indexes.TryRemove(collection, out _);

    private async Task<LexicalIndex> BuildAsync(string collection) =>
        new(await store.ListRecordsAsync(collection, CancellationToken.None));
}
