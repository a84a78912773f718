using System.Text.Json;
using LlmServe.Rag.Collections;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Collections;

/// <summary>
/// Retrieval quality with real MiniLM embeddings on a labelled set the tests carry (Fixtures/corpus and
/// Fixtures/labelled-questions.json): recall@5, and the HNSW store's top-k against exact search.
/// </summary>
[Collection(EmbeddingWorkerCollection.Name)]
public sealed class RetrievalQualityTests(EmbeddingWorkerFixture worker)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LabelledQuestions_FindTheirPassageInTheTopFive_AndHnswMatchesExactSearch()
    {
        await using var app = new CollectionApp(worker);
        var collections = app.Get<CollectionService>();
        await collections.CreateAsync("quality", null, null, Token);
        var corpus = Path.Combine(AppContext.BaseDirectory, "Fixtures", "corpus");
        await collections.IngestFolderAsync("quality", corpus, _ => Task.CompletedTask, Token);
        var labelled = JsonSerializer.Deserialize<List<Labelled>>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "labelled-questions.json"), Token),
            JsonSerializerOptions.Web)!;
        var store = app.Store.Find("quality")!;
        var embeddings = app.Get<Embeddings.GatewayEmbeddingClient>();

        var found = 0;
        foreach (var item in labelled)
        {
            var top = await collections.RetrieveAsync("quality", item.Question, 5, null, hybrid: false, Token);
            if (top.Any(c => c.Chunk.Document == item.Document && c.Chunk.Heading == item.Heading))
            {
                found++;
            }
            var query = (await embeddings.EmbedAsync(EmbeddingWorkerFixture.Model, [item.Question], Token))[0];
            Assert.Equal(
                store.ExactSearch(query, 5).Select(h => h.Record.Key),
                store.Search(query, 5, null).Select(h => h.Record.Key));
        }

        var recall = found / (double)labelled.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"recall@5 = {recall:F3} ({found}/{labelled.Count})");
        Assert.True(recall >= 0.9, $"recall@5 {recall:F3} ({found}/{labelled.Count})");
    }

    [Fact]
    public async Task HybridSearch_RanksAnExactRareTermFirst()
    {
        await using var app = new CollectionApp(worker);
        var collections = app.Get<CollectionService>();
        await collections.CreateAsync("hybrid", null, null, Token);
        await collections.IngestFolderAsync("hybrid", Path.Combine(AppContext.BaseDirectory, "Fixtures", "corpus"), _ => Task.CompletedTask, Token);

        var top = await collections.RetrieveAsync("hybrid", "Swift-Tuttle", 3, null, hybrid: true, Token);

        Assert.Equal(("astronomy.md", "Meteor Showers"), (top[0].Chunk.Document, top[0].Chunk.Heading));
    }

    private sealed record Labelled(string Question, string Document, string Heading);
}
