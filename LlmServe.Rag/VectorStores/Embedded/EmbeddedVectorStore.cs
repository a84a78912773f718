using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.VectorStores.Embedded;

/// <summary>
/// The default vector store: in process, persistent, one folder per collection under
/// <see cref="VectorStoreOptions.DataPath"/> holding <c>collection.json</c> and the write-ahead log.
/// </summary>
internal sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private const string InfoFileName = "collection.json";

    private readonly string _root;
    private readonly HnswOptions _hnsw;
    private readonly ILogger<EmbeddedVectorStore> _logger;
    private readonly ConcurrentDictionary<string, EmbeddedCollection> _collections = new(StringComparer.Ordinal);
    private readonly Lock _catalogLock = new();

    public EmbeddedVectorStore(IOptions<VectorStoreOptions> options, ILogger<EmbeddedVectorStore> logger)
    {
        _root = options.Value.ResolveDataPath();
        _hnsw = options.Value.Hnsw;
        _logger = logger;
        Directory.CreateDirectory(_root);
        foreach (var folder in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            var infoPath = Path.Combine(folder, InfoFileName);
            if (File.Exists(infoPath) && JsonSerializer.Deserialize<CollectionInfo>(File.ReadAllText(infoPath)) is { } info)
            {
                Open(info, folder);
            }
        }
    }

    /// <summary>An open collection, for checks and exact search; null when it does not exist.</summary>
    public EmbeddedCollection? Find(string name) => _collections.GetValueOrDefault(name);

    public Task EnsureCollectionAsync(CollectionInfo collection, CancellationToken cancellationToken)
    {
        lock (_catalogLock)
        {
            if (_collections.TryGetValue(collection.Name, out var existing))
            {
                CollectionGuard.EnsureSame(existing.Info, collection);
                return Task.CompletedTask;
            }
            var folder = Path.Combine(_root, collection.Name);
            Directory.CreateDirectory(folder);
            WriteDurably(Path.Combine(folder, InfoFileName), JsonSerializer.SerializeToUtf8Bytes(collection));
            Open(collection, folder);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CollectionInfo>>([.. _collections.Values.Select(c => c.Info).OrderBy(c => c.Name, StringComparer.Ordinal)]);

    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_collections.GetValueOrDefault(name)?.Info);

    public Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken)
    {
        lock (_catalogLock)
        {
            if (!_collections.TryRemove(name, out var collection))
            {
                return Task.FromResult(false);
            }
            collection.Dispose();
            // The info file goes first: a crash midway leaves a folder that is no longer opened as a collection.
            File.Delete(Path.Combine(_root, name, InfoFileName));
            Directory.Delete(Path.Combine(_root, name), recursive: true);
        }
        return Task.FromResult(true);
    }

    public Task UpsertDocumentAsync(string collection, string document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var target = Get(collection);
        CollectionGuard.EnsureDimension(target.Info, records);
        target.Upsert(document, records);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteDocumentAsync(string collection, string document, CancellationToken cancellationToken) =>
        Task.FromResult(Get(collection).Delete(document));

    public Task<IReadOnlyList<VectorHit>> SearchAsync(
        string collection, float[] query, int topK, VectorFilter? filter, CancellationToken cancellationToken)
    {
        var target = Get(collection);
        CollectionGuard.EnsureDimension(target.Info, query);
        return Task.FromResult(target.Search(query, topK, filter));
    }

    public Task<IReadOnlyList<VectorRecord>> ListRecordsAsync(string collection, CancellationToken cancellationToken) =>
        Task.FromResult(Get(collection).Records());

    public void Dispose()
    {
        foreach (var collection in _collections.Values)
        {
            collection.Dispose();
        }
        _collections.Clear();
    }

    private EmbeddedCollection Get(string name) =>
        _collections.TryGetValue(name, out var collection) ? collection : throw new CollectionNotFoundException(name);

    private void Open(CollectionInfo info, string folder)
    {
        var collection = EmbeddedCollection.Open(info, _hnsw, folder);
        var problems = collection.Verify();
        if (problems.Count > 0)
        {
            collection.Dispose();
            throw new InvalidDataException($"Collection '{info.Name}' is inconsistent after replay: {string.Join(" ", problems)}");
        }
        _collections[info.Name] = collection;
        LogOpened(info.Name, collection.Count, collection.ReplayedEntries, collection.TruncatedBytes);
    }

    /// <summary>Writes a small file so that it is either absent or whole after a crash: temp file, fsync, rename.</summary>
    private static void WriteDurably(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Opened collection {Collection}: {Records} records from {Entries} log entries, verified; dropped a torn tail of {TruncatedBytes} bytes")]
    private partial void LogOpened(string collection, int records, int entries, long truncatedBytes);
}
