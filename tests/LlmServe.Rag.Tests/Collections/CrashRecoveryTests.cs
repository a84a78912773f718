using LlmServe.TestUtilities;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Collections;

/// <summary>
/// kill -9 of a real Rag process in the middle of an ingestion: after a restart on the same data folder every
/// acknowledged document is searchable with all its chunks, and the store opened consistent (the service verifies
/// the rebuilt HNSW graph against the log before it answers; an inconsistency would fail startup).
/// </summary>
[Collection(EmbeddingWorkerCollection.Name)]
public sealed class CrashRecoveryTests(EmbeddingWorkerFixture worker) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("llmserve-rag-crash-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcknowledgedDocuments_SurviveKill9DuringIngestion()
    {
        Dictionary<string, int> acknowledged = [];
        await using (var rag = await StartRagAsync())
        {
            using var http = new HttpClient { BaseAddress = new Uri(rag.BaseUrl) };
            using (var created = await http.PostAsJsonAsync("/v1/rag/collections", new { name = "crash" }, Token))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Token));
            }
            using var stop = new CancellationTokenSource();
            var ingestion = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var response = await http.PutAsync($"/v1/rag/collections/crash/documents/note-{i}.md",
                            new StringContent(Note(i), Encoding.UTF8, "text/markdown"), CancellationToken.None);
                        if (response.IsSuccessStatusCode)
                        {
                            var chunks = (await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("chunks").GetInt32();
                            lock (acknowledged)
                            {
                                acknowledged[$"note-{i}.md"] = chunks;
                            }
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The process is gone: this upload was never acknowledged.
                    }
                }
            }, CancellationToken.None);
            while (Count(acknowledged) < 6)
            {
                Assert.False(ingestion.IsCompleted, rag.Log);
                await Task.Delay(10, Token);
            }
            rag.Kill();
            stop.Cancel();
            await ingestion;
        }

        await using var restarted = await StartRagAsync();
        using var client = new HttpClient { BaseAddress = new Uri(restarted.BaseUrl) };
        var listed = (await client.GetFromJsonAsync<JsonElement>("/v1/rag/collections/crash/documents", Token)).GetProperty("data")
            .EnumerateArray().ToDictionary(d => d.GetProperty("document").GetString()!, d => d.GetProperty("chunks").GetInt32());
        foreach (var (document, chunks) in acknowledged)
        {
            Assert.True(listed.TryGetValue(document, out var stored), $"{document} was acknowledged but is missing after the restart");
            Assert.Equal(chunks, stored);
            using var search = await client.PostAsJsonAsync("/v1/rag/collections/crash/search",
                new { question = $"What does note {document} record?", top_k = 20, filter = new { document } }, Token);
            var hits = (await search.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("data").EnumerateArray().ToList();
            Assert.Equal(chunks, hits.Count);
        }
        // An upload in flight at the kill may have reached the log without its answer; if so it is whole: every note
        // has the same shape, so every stored note has as many chunks as the acknowledged ones.
        var perNote = acknowledged.Values.Distinct().Single();
        Assert.All(listed, d => Assert.Equal(perNote, d.Value));
        using var after = await client.PutAsync("/v1/rag/collections/crash/documents/after.md",
            new StringContent(Note(1000), Encoding.UTF8, "text/markdown"), Token);
        Assert.True(after.IsSuccessStatusCode, await after.Content.ReadAsStringAsync(Token));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static int Count(Dictionary<string, int> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    /// <summary>A note of two sections, long enough for several chunks.</summary>
    private static string Note(int i) => $"""
        # Note {i}

        ## Observation

        {string.Join(' ', Enumerable.Range(0, 80).Select(w => $"observation{i}x{w}"))}

        ## Follow-up

        {string.Join(' ', Enumerable.Range(0, 80).Select(w => $"followup{i}x{w}"))}
        """;

    private Task<ServiceProcess> StartRagAsync() => ServiceProcess.StartAsync(BuiltServices.Rag, [], new Dictionary<string, string>
    {
        ["Rag__GatewayUrl"] = worker.BaseUrl,
        ["Rag__EmbeddingModel"] = EmbeddingWorkerFixture.Model,
        ["Rag__VectorStore__DataPath"] = _data,
        ["Rag__ChunkTokens"] = "50",
        ["Rag__ChunkOverlapTokens"] = "10",
    }, TimeSpan.FromMinutes(1), Token);
}
