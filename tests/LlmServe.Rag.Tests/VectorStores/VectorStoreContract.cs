using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>What every <see cref="IVectorStore"/> must do; each store's test class runs these against a real instance.</summary>
public abstract class VectorStoreContract
{
    private const int Dimension = 16;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private protected abstract IVectorStore Store { get; }

    /// <summary>A collection name no other test uses, so tests sharing a database do not collide.</summary>
    private protected static string NewName() => $"t{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Search_FindsTheNearestRecordsWithCosineScores()
    {
        var (name, documents) = await CreateWithDocumentsAsync(seed: 1, documents: 10, chunks: 5);
        var target = documents[3].Records[2];

        var hits = await Store.SearchAsync(name, target.Vector, 5, null, Token);

        Assert.Equal(5, hits.Count);
        Assert.Equal(target.Key, hits[0].Record.Key);
        Assert.Equal(1.0, hits[0].Score, 3);
        Assert.Equal(target.Text, hits[0].Record.Text);
        Assert.Equal(target.Heading, hits[0].Record.Heading);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "hits must be best first");
    }

    [Fact]
    public async Task UpsertingADocumentAgain_ReplacesItsChunksInsteadOfAddingThem()
    {
        var name = await CreateAsync();
        var random = new Random(2);
        var first = Enumerable.Range(0, 4).Select(i => TestVectors.Record("a", i, TestVectors.Random(random, Dimension))).ToList();
        var second = Enumerable.Range(0, 2).Select(i => TestVectors.Record("a", i, TestVectors.Random(random, Dimension))).ToList();

        await Store.UpsertDocumentAsync(name, "a", first, Token);
        await Store.UpsertDocumentAsync(name, "a", first, Token);
        Assert.Equal(4, (await Store.ListRecordsAsync(name, Token)).Count);
        await Store.UpsertDocumentAsync(name, "a", second, Token);

        var records = await Store.ListRecordsAsync(name, Token);
        Assert.Equal(2, records.Count);
        var hit = Assert.Single(await Store.SearchAsync(name, second[1].Vector, 1, null, Token));
        Assert.Equal(1.0, hit.Score, 3);
    }

    [Fact]
    public async Task DeleteDocument_RemovesOnlyThatDocument()
    {
        var (name, _) = await CreateWithDocumentsAsync(seed: 3, documents: 3, chunks: 2);

        Assert.True(await Store.DeleteDocumentAsync(name, "doc-1", Token));
        Assert.False(await Store.DeleteDocumentAsync(name, "doc-1", Token));

        var documents = (await Store.ListRecordsAsync(name, Token)).Select(r => r.Document).Distinct().Order().ToList();
        Assert.Equal(["doc-0", "doc-2"], documents);
    }

    [Fact]
    public async Task Filter_KeepsOnlyMatchingRecords()
    {
        var (name, documents) = await CreateWithDocumentsAsync(seed: 4, documents: 6, chunks: 3);
        var odd = documents[1].Records[0];

        var byTag = await Store.SearchAsync(name, odd.Vector, 4,
            new VectorFilter(new Dictionary<string, string> { ["tag"] = "even" }), Token);
        var byDocument = await Store.SearchAsync(name, odd.Vector, 10,
            new VectorFilter(new Dictionary<string, string> { [VectorFilter.DocumentKey] = "doc-4" }), Token);

        Assert.Equal(4, byTag.Count);
        Assert.All(byTag, h => Assert.Equal("even", h.Record.Metadata["tag"]));
        Assert.Equal(3, byDocument.Count);
        Assert.All(byDocument, h => Assert.Equal("doc-4", h.Record.Document));
    }

    [Fact]
    public async Task Collections_AreListedCheckedAndDropped()
    {
        var name = await CreateAsync();

        Assert.Contains(await Store.ListCollectionsAsync(Token), c => c.Name == name && c.Dimension == Dimension);
        await Store.EnsureCollectionAsync(new CollectionInfo(name, "model", Dimension), Token);
        await Assert.ThrowsAsync<CollectionConflictException>(
            () => Store.EnsureCollectionAsync(new CollectionInfo(name, "model", Dimension + 1), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertDocumentAsync(
            name, "a", [TestVectors.Record("a", 0, new float[Dimension + 1])], Token));

        Assert.True(await Store.DeleteCollectionAsync(name, Token));
        Assert.Null(await Store.GetCollectionAsync(name, Token));
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.SearchAsync(name, new float[Dimension], 1, null, Token));
    }

    private async Task<(string Name, List<(string Document, List<VectorRecord> Records)> Documents)> CreateWithDocumentsAsync(
        int seed, int documents, int chunks)
    {
        var name = await CreateAsync();
        var all = TestVectors.Documents(seed, documents, chunks, Dimension);
        foreach (var (document, records) in all)
        {
            await Store.UpsertDocumentAsync(name, document, records, Token);
        }
        return (name, all);
    }

    private async Task<string> CreateAsync()
    {
        var name = NewName();
        await Store.EnsureCollectionAsync(new CollectionInfo(name, "model", Dimension), Token);
        return name;
    }
}
