using LlmServe.Rag.VectorStores;
using LlmServe.Rag.VectorStores.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Tests.VectorStores;

public sealed class EmbeddedVectorStoreTests : VectorStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmserve-vectors-").FullName;
    private EmbeddedVectorStore _store;

    public EmbeddedVectorStoreTests() => _store = Open();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected override IVectorStore Store => _store;

    [Fact]
    public async Task Reopening_ReplaysTheLog_WithUpsertsAndDeletes()
    {
        var name = NewName();
        await _store.EnsureCollectionAsync(new CollectionInfo(name, "m", 8), Token);
        var documents = TestVectors.Documents(seed: 5, documents: 4, chunks: 3, dimension: 8);
        foreach (var (document, records) in documents)
        {
            await _store.UpsertDocumentAsync(name, document, records, Token);
        }
        await _store.UpsertDocumentAsync(name, "doc-0", documents[0].Records[..1], Token);
        await _store.DeleteDocumentAsync(name, "doc-2", Token);

        Reopen();

        var collection = _store.Find(name)!;
        Assert.Equal(1 + 3 + 3, collection.Count);
        Assert.Empty(collection.Verify());
        var hit = Assert.Single(await _store.SearchAsync(name, documents[3].Records[1].Vector, 1, null, Token));
        Assert.Equal("doc-3#1", hit.Record.Key);
    }

    [Fact]
    public async Task ATornLastEntry_IsCutOff_AndEverythingBeforeItSurvives()
    {
        var name = NewName();
        await _store.EnsureCollectionAsync(new CollectionInfo(name, "m", 8), Token);
        foreach (var (document, records) in TestVectors.Documents(seed: 6, documents: 3, chunks: 2, dimension: 8))
        {
            await _store.UpsertDocumentAsync(name, document, records, Token);
        }
        _store.Dispose();
        // What a crash in the middle of an append leaves: a frame header promising more bytes than follow.
        var log = Path.Combine(_folder, name, EmbeddedCollection.LogFileName);
        var intact = new FileInfo(log).Length;
        await File.AppendAllBytesAsync(log, [0x00, 0x10, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3], Token);

        _store = Open();

        var collection = _store.Find(name)!;
        Assert.Equal(11, collection.TruncatedBytes);
        Assert.Equal(intact, new FileInfo(log).Length);
        Assert.Equal(6, collection.Count);
        // Appends after the cut land on a clean boundary and replay too.
        await _store.UpsertDocumentAsync(name, "late", [TestVectors.Record("late", 0, TestVectors.Random(new Random(7), 8))], Token);
        Reopen();
        Assert.Equal(7, _store.Find(name)!.Count);
    }

    [Fact]
    public async Task Compaction_KeepsTheLiveRecordsAndShrinksTheLog()
    {
        var name = NewName();
        await _store.EnsureCollectionAsync(new CollectionInfo(name, "m", 8), Token);
        var documents = TestVectors.Documents(seed: 8, documents: 5, chunks: 4, dimension: 8);
        for (var round = 0; round < 3; round++)
        {
            foreach (var (document, records) in documents)
            {
                await _store.UpsertDocumentAsync(name, document, records, Token);
            }
        }
        var log = Path.Combine(_folder, name, EmbeddedCollection.LogFileName);
        var before = new FileInfo(log).Length;

        _store.Find(name)!.Compact();
        Reopen();

        Assert.True(new FileInfo(log).Length < before / 2, "compaction keeps one entry per document");
        Assert.Equal(20, _store.Find(name)!.Count);
    }

    [Fact]
    public async Task HnswSearch_FindsNearlyAllOfTheExactTopK()
    {
        var name = NewName();
        const int dimension = 64;
        await _store.EnsureCollectionAsync(new CollectionInfo(name, "m", dimension), Token);
        foreach (var (document, records) in TestVectors.Documents(seed: 9, documents: 200, chunks: 10, dimension))
        {
            await _store.UpsertDocumentAsync(name, document, records, Token);
        }
        var collection = _store.Find(name)!;
        var random = new Random(10);

        var matches = 0;
        const int queries = 50;
        for (var q = 0; q < queries; q++)
        {
            var query = TestVectors.Random(random, dimension);
            var approximate = collection.Search(query, 10, null).Select(h => h.Record.Key);
            var exact = collection.ExactSearch(query, 10).Select(h => h.Record.Key);
            matches += approximate.Intersect(exact).Count();
        }

        // 2,000 uniform random 64-d vectors are the hard case for a graph (no clusters, near-equal distances);
        // real embeddings do better (the retrieval-quality tests ask for the exact top-k there).
        Assert.True(matches >= queries * 10 * 0.95, $"recall@10 {matches / (queries * 10.0):F3}");
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private EmbeddedVectorStore Open() => new(
        Options.Create(new VectorStoreOptions { DataPath = _folder }), NullLogger<EmbeddedVectorStore>.Instance);

    private void Reopen()
    {
        _store.Dispose();
        _store = Open();
    }
}
