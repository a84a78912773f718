using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Retrieval;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Retrieval;

public sealed class InMemoryLexicalStoreTests
{
    [Theory]
    [InlineData("How does a block table map logical blocks to physical blocks?", "paged-kv-cache.md")]
    [InlineData("What does Karpenter do when a pod needs a GPU node?", "kubernetes-gpu-nodes.md")]
    [InlineData("How is the desired number of replicas computed from ongoing requests?", "autoscaling.md")]
    [InlineData("What does the usage object of a chat completion response count?", "openai-compatible-api.md")]
    [InlineData("How many parameters does the smallest TinyStories model have?", "tinystories.md")]
    public async Task RetrieveAsync_SampleDocsQuestion_RanksTheRightDocumentFirst(string question, string expected)
    {
        var store = await SampleDocs.IndexAsync(TestContext.Current.CancellationToken);

        var hits = await store.RetrieveAsync(question, topK: 4, TestContext.Current.CancellationToken);

        Assert.Equal(expected, hits[0].Chunk.Document);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "hits are ordered by score");
    }

    [Fact]
    public async Task UpsertAsync_SameDocumentTwice_ReplacesItsChunks()
    {
        var store = new InMemoryLexicalStore();
        var ct = TestContext.Current.CancellationToken;

        await store.UpsertAsync("a.md", [Chunk("a.md", 0, "old text"), Chunk("a.md", 1, "older text")], ct);
        await store.UpsertAsync("b.md", [Chunk("b.md", 0, "other")], ct);
        await store.UpsertAsync("a.md", [Chunk("a.md", 0, "new text")], ct);

        Assert.Equal([new DocumentSummary("a.md", "T", 1), new DocumentSummary("b.md", "T", 1)],
            await store.ListDocumentsAsync(ct));
        Assert.Empty(await store.RetrieveAsync("old", 5, ct));
        Assert.Equal("new text", Assert.Single(await store.RetrieveAsync("new", 5, ct)).Chunk.Text);
    }

    [Fact]
    public async Task UpsertAsync_ChunkOfAnotherDocument_Throws()
    {
        var store = new InMemoryLexicalStore();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.UpsertAsync("a.md", [Chunk("b.md", 0, "x")], TestContext.Current.CancellationToken));
    }

    [Fact]
    public void IndexedTerms_Chunk_IncludesTitleAndDistinctHeading()
    {
        var terms = InMemoryLexicalStore.IndexedTerms(new DocumentChunk("d.md", "Paged cache", 0, "Block tables", "Text."));

        Assert.Equal(["paged", "cache", "block", "tables", "text"], terms);
    }

    private static DocumentChunk Chunk(string document, int index, string text) => new(document, "T", index, null, text);
}
