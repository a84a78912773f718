using LlmServe.TestUtilities;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LlmServe.Rag.Tests.Infrastructure;

namespace LlmServe.Rag.Tests.Apis;

/// <summary>The query path over real HTTP: the service calls a fake OpenAI server standing in for the gateway.</summary>
public sealed class RagQueryEndToEndTests
{
    private const string Question = "How does a block table map logical blocks to physical blocks?";

    [Fact]
    public async Task Query_FakeGateway_SendsNumberedSourcesAndReturnsAnswerWithCitations()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = new RagAppFactory(gateway.BaseUrl);
        using var client = await app.CreateReadyClientAsync(ct);

        using var response = await client.PostAsJsonAsync("/v1/rag/query", new { question = Question, top_k = 2 }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(gateway.Requests);
        Assert.Equal(("POST", "/v1/chat/completions"), (upstream.Method, upstream.Path));
        Assert.Null(upstream.Authorization);
        var sent = upstream.Json;
        Assert.Equal("default", sent.GetProperty("model").GetString());
        Assert.Equal(96, sent.GetProperty("max_tokens").GetInt32());
        Assert.False(sent.GetProperty("stream").GetBoolean());
        var messages = sent.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var prompt = messages[1].GetProperty("content").GetString() ?? "";
        Assert.Contains("[1] Paged KV cache > Block tables: Each request owns a block table", prompt, StringComparison.Ordinal);
        Assert.Contains("\n[2] ", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("[3]", prompt, StringComparison.Ordinal);
        Assert.Contains($"Question: {Question}", prompt, StringComparison.Ordinal);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(FakeOpenAiServer.AnswerText, body.GetProperty("answer").GetString());
        Assert.Equal(FakeOpenAiServer.ServedModel, body.GetProperty("model").GetString());
        Assert.Equal(129, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var citations = body.GetProperty("citations").EnumerateArray().ToList();
        Assert.Equal([1, 2], citations.Select(c => c.GetProperty("index").GetInt32()));
        var first = citations[0];
        Assert.Equal("paged-kv-cache.md", first.GetProperty("document").GetString());
        Assert.Equal("Block tables", first.GetProperty("heading").GetString());
        Assert.True(first.GetProperty("score").GetDouble() > 0);
        Assert.StartsWith("Each request owns a block table", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(first.GetProperty("chunk").GetInt32() >= 0);
    }

    [Fact]
    public async Task Query_ApiKeyConfigured_SendsBearerToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = new RagAppFactory(gateway.BaseUrl, apiKey: "sk-test");
        using var client = await app.CreateReadyClientAsync(ct);

        using var response = await client.PostAsJsonAsync("/v1/rag/query", new { question = Question }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer sk-test", Assert.Single(gateway.Requests).Authorization);
    }

    [Fact]
    public async Task Query_ModelAndMaxTokensGiven_ForwardsThemUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = new RagAppFactory(gateway.BaseUrl);
        using var client = await app.CreateReadyClientAsync(ct);

        using var response = await client.PostAsJsonAsync("/v1/rag/query",
            new { question = Question, model = "llama-small", max_tokens = 7 }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Requests).Json;
        Assert.Equal("llama-small", sent.GetProperty("model").GetString());
        Assert.Equal(7, sent.GetProperty("max_tokens").GetInt32());
        var prompt = sent.GetProperty("messages")[1].GetProperty("content").GetString() ?? "";
        Assert.Contains("\n[4] ", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_GatewayReturnsError_Returns502WithUpstreamMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        gateway.ResponseStatus = (int)HttpStatusCode.ServiceUnavailable;
        gateway.ResponseBody = "{\"error\":{\"message\":\"No replica of model default is ready.\",\"type\":\"service_unavailable\",\"param\":null,\"code\":null}}";
        await using var app = new RagAppFactory(gateway.BaseUrl);
        using var client = await app.CreateReadyClientAsync(ct);

        using var response = await client.PostAsJsonAsync("/v1/rag/query", new { question = Question }, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Contains("No replica of model default is ready.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Query_GatewayUnreachable_Returns502()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new RagAppFactory($"http://127.0.0.1:{UnusedPort()}");
        using var client = await app.CreateReadyClientAsync(ct);

        using var response = await client.PostAsJsonAsync("/v1/rag/query", new { question = Question }, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Contains("could not be reached", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
