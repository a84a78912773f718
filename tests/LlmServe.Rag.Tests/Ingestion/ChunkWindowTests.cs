using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Ingestion.Parsing;
using LlmServe.Rag.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Tests.Ingestion;

/// <summary>
/// Every chunk, as embedded, fits all-MiniLM-L6-v2's 256-token window, counted by the embedding worker's own
/// tokenizer (the <c>prompt_tokens</c> it reports for embedding the chunk alone, [CLS] and [SEP] included) rather
/// than by the WordPiece the chunker uses.
/// </summary>
[Collection(EmbeddingWorkerCollection.Name)]
public sealed class ChunkWindowTests(EmbeddingWorkerFixture worker)
{
    /// <summary>Text that tokenizes far denser than English prose: accents, CJK, digits, punctuation, a long URL.</summary>
    private const string Dense = """
        # Überschrift: café naïve façade

        Crème brûlée, jalapeño, São Paulo — 東京都の天気は晴れ。北京市朝阳区。 3.14159265358979, 2,718,281,828; (a+b)*[c/d]={e}!?
        https://example.com/a/very/long/path/with-segments-and-query?x=1&y=2&z=3#fragment-identifier-that-goes-on-and-on-and-on

        ## Ωμέγα

        Αλφα βήτα γάμμα δέλτα έψιλον ζήτα ήτα θήτα. Пример текста на русском языке с пунктуацией: «да», "нет"!
        """;

    [Fact]
    public async Task EveryEmbeddedChunk_FitsTheWindow_ByTheWorkersTokenizer()
    {
        var options = new RagOptions { ChunkTokens = 254, ChunkOverlapTokens = 32 };
        var tokenizer = ChunkTokenizer.Create(Options.Create(options));
        using var http = new HttpClient { BaseAddress = new Uri(worker.BaseUrl) };
        var documents = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "corpus"))
            .Select(f => DocumentParser.Parse(Path.GetFileName(f), File.ReadAllBytes(f), DocumentFormat.Markdown))
            .Append(DocumentParser.Parse("dense.md", System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Dense, 12))), DocumentFormat.Markdown))
            .ToList();

        var largest = 0;
        foreach (var document in documents)
        {
            var chunks = tokenizer.Chunk(document.Text, document.Title, options.ChunkTokens, options.ChunkOverlapTokens);
            Assert.NotEmpty(chunks);
            foreach (var chunk in chunks)
            {
                var embedded = ChunkTokenizer.EmbeddedText(document.Title, chunk.Heading, chunk.Text);
                var count = await WorkerTokenCountAsync(http, embedded);
                Assert.True(count <= 256, $"{document.Title} chunk {chunk.Index}: {count} tokens > 256");
                // The chunker's WordPiece agrees with the worker's, so the budget is spent, not guessed at.
                var ours = tokenizer.Count(embedded) + ChunkTokenizer.SpecialTokens;
                Assert.True(count == ours, $"worker {count}, chunker {ours}: {embedded}");
                largest = Math.Max(largest, count);
            }
        }
        // The dense document fills chunks up to the window: the bound is reached, not avoided by tiny chunks.
        Assert.InRange(largest, 200, 256);
    }

    private static async Task<int> WorkerTokenCountAsync(HttpClient http, string text)
    {
        using var response = await http.PostAsJsonAsync("/v1/embeddings",
            new { model = EmbeddingWorkerFixture.Model, input = text }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
    }
}
