using LlmServe.TestUtilities;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using LlmServe.Agents.Tests.Infrastructure;

namespace LlmServe.Agents.Tests.Apis;

/// <summary>Invocation over real HTTP: Semantic Kernel's OpenAI connector calls a fake OpenAI server standing in for the gateway.</summary>
public sealed class AgentInvokeEndToEndTests
{
    [Fact]
    public async Task Invoke_FakeGateway_SendsModelInstructionsAndInputAndReturnsOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = new AgentsAppFactory(gateway.BaseUrl);
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/assistant/invoke", new { input = "Tell me about robots." }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(gateway.Requests);
        Assert.Equal(("POST", "/v1/chat/completions"), (upstream.Method, upstream.Path));
        Assert.Equal("Bearer llmserve-no-key", upstream.Authorization);
        var sent = upstream.Json;
        Assert.Equal("stories", sent.GetProperty("model").GetString());
        Assert.Equal(64, MaxTokens(sent));
        var messages = sent.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You are a helpful assistant. Answer briefly and plainly.", Text(messages[0]));
        Assert.Equal("Tell me about robots.", Text(messages[1]));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("assistant", body.GetProperty("agent").GetString());
        Assert.Equal(FakeOpenAiServer.ServedModel, body.GetProperty("model").GetString());
        Assert.Equal(FakeOpenAiServer.AnswerText, body.GetProperty("output").GetString());
        var step = Assert.Single(body.GetProperty("steps").EnumerateArray());
        Assert.Equal("model_call", step.GetProperty("kind").GetString());
        Assert.True(step.GetProperty("duration_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Invoke_MaxTokensAndAgentTemperature_AreSentUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = new AgentsAppFactory(gateway.BaseUrl);
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/Storyteller/invoke", new { input = "A cat.", max_tokens = 5 }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Requests).Json;
        Assert.Equal(5, MaxTokens(sent));
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(AgentsAppFactory.StorytellerInstructions, Text(sent.GetProperty("messages")[0]));
        Assert.Equal("storyteller", (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("agent").GetString());
    }

    [Fact]
    public async Task Invoke_GatewayReturnsError_Returns502WithUpstreamMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        gateway.ResponseStatus = (int)HttpStatusCode.NotFound;
        gateway.ResponseBody = "{\"error\":{\"message\":\"The model `stories` does not exist.\",\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":\"model_not_found\"}}";
        await using var app = new AgentsAppFactory(gateway.BaseUrl);
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/assistant/invoke", new { input = "hi" }, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Contains("The model `stories` does not exist.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("/v1/agents/assistant/invoke", "input")]
    [InlineData("/v1/chat/completions", "messages")]
    public async Task ModelRefusesTheConversationAsTooLong_Returns400NamingTheInput(string path, string param)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        gateway.ResponseStatus = (int)HttpStatusCode.BadRequest;
        gateway.ResponseBody = "{\"error\":{\"message\":\"This model's maximum context length is 512 tokens; the prompt has 900.\"," +
            "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
        await using var app = new AgentsAppFactory(gateway.BaseUrl);
        using var client = app.CreateClient();

        object body = path.EndsWith("invoke", StringComparison.Ordinal)
            ? new { input = "a very long story" }
            : new { model = "agent/assistant", messages = new[] { new { role = "user", content = "a very long story" } } };
        using var response = await client.PostAsJsonAsync(path, body, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length is 512 tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_GatewayUnreachable_Returns502()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new AgentsAppFactory($"http://127.0.0.1:{UnusedPort()}");
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/assistant/invoke", new { input = "hi" }, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal("upstream_error", error.GetProperty("code").GetString());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The OpenAI client may send the newer <c>max_completion_tokens</c> name instead of <c>max_tokens</c>.</summary>
    private static int MaxTokens(JsonElement request) =>
        (request.TryGetProperty("max_tokens", out var value) ? value : request.GetProperty("max_completion_tokens")).GetInt32();

    /// <summary>Message content sent either as a string or as an array of text parts.</summary>
    private static string Text(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString() ?? ""
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
