using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.IntegrationTests.Infrastructure;

namespace LlmServe.IntegrationTests;

/// <summary>The whole system, as `dotnet run --project LlmServe.AppHost` starts it, driven through its front doors.</summary>
[Collection(AppHostCollection.Name)]
public sealed class EndToEndTests(AppHostFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Gateway_ChatCompletion_ReturnsTheRealModelsText()
    {
        using var gateway = fixture.CreateClient("gateway");

        var response = await gateway.PostAsync("/v1/chat/completions", Json("""
            {"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":32,"temperature":0}
            """), Token);

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        var text = body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        // The checkpoint's greedy continuation, as llama.cpp produces it.
        Assert.StartsWith(", there was a little girl named Lily.", text);
        Assert.Equal(32, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Gateway_StreamingChat_PassesServerSentEventsThroughToDone()
    {
        using var gateway = fixture.CreateClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""
                {"model":"stories260k","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":16,"temperature":0,"stream":true}
                """),
        };

        using var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = (await response.Content.ReadAsStringAsync(Token))
            .Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.Equal("[DONE]", data[^1]);
        var text = string.Concat(data[..^1].Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices")[0])
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.StartsWith(", there was a little girl", text);
        Assert.True(data.Count > 10, "expected one event per token");
    }

    [Theory]
    [InlineData("{oops", 400, null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", 400, "model")]
    [InlineData("""{"model":"default"}""", 400, "messages")]
    [InlineData("""{"model":"default","messages":[{"role":"user","content":"hi"}],"max_tokens":"many"}""", 400, "max_tokens")]
    [InlineData("""{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""", 404, "model")]
    public async Task Gateway_BadInput_GetsOpenAiShaped4xx(string body, int status, string? param)
    {
        using var gateway = fixture.CreateClient("gateway");

        var response = await gateway.PostAsync("/v1/chat/completions", Json(body), Token);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(param, error.GetProperty("param").GetString());
        if (status == 404)
        {
            Assert.Contains("stories260k", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Gateway_Models_ListsTheDeploymentAndItsAlias()
    {
        using var gateway = fixture.CreateClient("gateway");

        var models = await gateway.GetFromJsonAsync<JsonElement>("/v1/models", Token);

        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("stories260k", ids);
        Assert.Contains("default", ids);
    }

    [Fact]
    public async Task Rag_Query_AnswersWithCitationsFromTheRightDocument()
    {
        using var rag = fixture.CreateClient("rag");

        var response = await rag.PostAsync("/v1/rag/query", Json("""
            {"question":"How does the paged KV cache split memory into fixed-size blocks?","max_tokens":24}
            """), Token);

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("answer").GetString()));
        var citations = body.GetProperty("citations");
        Assert.True(citations.GetArrayLength() > 0);
        Assert.Equal("paged-kv-cache.md", citations[0].GetProperty("document").GetString());
    }

    [Fact]
    public async Task Agents_Invoke_RunsASemanticKernelChatThroughTheGateway()
    {
        using var agents = fixture.CreateClient("agents");

        var response = await agents.PostAsync("/v1/agents/assistant/invoke", Json("""
            {"input":"Once upon a time","max_tokens":16}
            """), Token);

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("assistant", body.GetProperty("agent").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task Trace_OfOneChatRequest_HasSpansFromGatewayAndWorker()
    {
        using var gateway = fixture.CreateClient("gateway");
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":4}"""),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01");

        (await gateway.SendAsync(request, Token)).EnsureSuccessStatusCode();

        ReceivedSpan[] spans = [];
        for (var i = 0; i < 100 && !HasGatewayAndWorker(spans); i++)
        {
            await Task.Delay(200, Token);
            spans = fixture.Traces.Spans.Where(s => s.TraceId == traceId).ToArray();
        }
        Assert.True(HasGatewayAndWorker(spans),
            $"spans of the trace: {string.Join(", ", spans.Select(s => $"{s.Service}:{s.Name}"))}");
        // The worker's server span is a child of a span the gateway emitted.
        var workerServer = spans.First(s => s.Service.StartsWith("worker-", StringComparison.Ordinal) && s.Kind == 2);
        Assert.Contains(spans, s => s.Service == "gateway" && s.SpanId == workerServer.ParentSpanId);
    }

    private static bool HasGatewayAndWorker(IEnumerable<ReceivedSpan> spans) =>
        spans.Any(s => s.Service == "gateway") && spans.Any(s => s.Service.StartsWith("worker-", StringComparison.Ordinal) && s.Kind == 2);
}
