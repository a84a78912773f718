using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.IntegrationTests.Infrastructure;

namespace LlmServe.IntegrationTests;

/// <summary>
/// RAG collections through the running AppHost: ingest the Rag service's documents folder (embedded by the MiniLM
/// worker through the gateway), then ask through Rag and through the gateway as the model <c>rag/docs</c>.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RagCollectionsEndToEndTests(AppHostFixture fixture)
{
    private const string Question = "How does a block table map logical blocks to physical blocks?";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IngestAFolder_ThenAnswersCiteTheRightChunks_ThroughRagAndTheGateway()
    {
        using var rag = fixture.CreateClient("rag");
        using (var created = await rag.PostAsJsonAsync("/v1/rag/collections", new { name = "docs" }, Token))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Token));
        }

        using var ingest = await rag.PostAsJsonAsync("/v1/rag/collections/docs/ingest", new { path = "." }, Token);
        var progress = (await ingest.Content.ReadAsStringAsync(Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, progress.Count(p => p.TryGetProperty("document", out _) && p.GetProperty("chunks").GetInt32() > 0));
        Assert.Equal(5, progress[^1].GetProperty("stored").GetInt32());

        using var answer = await rag.PostAsJsonAsync("/v1/rag/collections/docs/query", new { question = Question, top_k = 3, max_tokens = 16 }, Token);
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(Token));
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("answer").GetString()));
        var top = body.GetProperty("citations")[0];
        Assert.Equal(("paged-kv-cache.md", "Block tables"), (top.GetProperty("document").GetString(), top.GetProperty("heading").GetString()));

        using var gateway = fixture.CreateClient("gateway");
        using var completion = await gateway.PostAsync("/v1/chat/completions", Json($$"""
            {"model":"rag/docs","messages":[{"role":"user","content":"{{Question}}"}],"max_tokens":16}
            """), Token);
        Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync(Token));
        var chat = await completion.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("chat.completion", chat.GetProperty("object").GetString());
        Assert.Equal("paged-kv-cache.md", chat.GetProperty("citations")[0].GetProperty("document").GetString());

        // Each stage has its span in Rag's traces, so the dashboard shows where the time of an answer goes.
        string[] stages = ["rag.embed", "rag.search", "rag.generate"];
        for (var i = 0; i < 100 && !stages.All(HasRagSpan); i++)
        {
            await Task.Delay(100, Token);
        }
        Assert.All(stages, stage => Assert.True(HasRagSpan(stage), $"no {stage} span from rag"));
    }

    [Fact]
    public async Task StreamingQuery_SendsCitationsFirstThenTextDeltas()
    {
        using var rag = fixture.CreateClient("rag");
        using (await rag.PostAsJsonAsync("/v1/rag/collections", new { name = "docs" }, Token))
        {
        }
        using (await rag.PostAsJsonAsync("/v1/rag/collections/docs/ingest", new { path = "." }, Token))
        {
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/rag/collections/docs/query")
        {
            Content = Json("""{"question":"How does scaling to zero work?","top_k":2,"max_tokens":8,"stream":true,"hybrid":true}"""),
        };

        using var response = await rag.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = (await response.Content.ReadAsStringAsync(Token)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        var first = JsonDocument.Parse(data[0]).RootElement;
        Assert.Equal("autoscaling.md", first.GetProperty("citations")[0].GetProperty("document").GetString());
        Assert.Equal("[DONE]", data[^1]);
        Assert.Contains(data[1..^1], d => JsonDocument.Parse(d).RootElement.TryGetProperty("delta", out _));
    }

    private bool HasRagSpan(string name) => fixture.Traces.Spans.Any(s => s.Service == "rag" && s.Name == name);

    [Fact]
    public async Task StreamingThroughTheGateway_EndsWithCitationsAndDone()
    {
        using var rag = fixture.CreateClient("rag");
        using (await rag.PostAsJsonAsync("/v1/rag/collections", new { name = "docs" }, Token))
        {
        }
        using (await rag.PostAsJsonAsync("/v1/rag/collections/docs/ingest", new { path = "." }, Token))
        {
        }
        using var gateway = fixture.CreateClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""
                {"model":"rag/docs","messages":[{"role":"user","content":"What does Karpenter do with GPU nodes?"}],"max_tokens":12,"stream":true}
                """),
        };

        using var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
        var data = (await response.Content.ReadAsStringAsync(Token)).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var last = JsonDocument.Parse(data[^2]).RootElement;
        Assert.Equal("stop", last.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("kubernetes-gpu-nodes.md", last.GetProperty("citations")[0].GetProperty("document").GetString());
        Assert.True(data.Count > 4, "expected streamed content chunks");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
