using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Agents.Tests.Infrastructure;
using LlmServe.TestUtilities;

namespace LlmServe.Agents.Tests.Apis;

/// <summary>Streamed invocations over real HTTP (Kestrel on a loopback port), read as server-sent events.</summary>
public sealed class AgentStreamingTests
{
    [Fact]
    public async Task InvokeStream_ToolCallingRun_SendsEachStepThenAnswerThenRunThenDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await ToolCallingGateway.StartAsync("calculator-evaluate", """{"expression":"6*7"}""", ct);
        await using var app = StartAgents(gateway.BaseUrl);
        using var client = app.CreateClient();

        var (response, events) = await PostStreamAsync(client, "/v1/agents/calculator/invoke", new { input = "6*7?", stream = true }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["agent.model_call.started", "agent.model_call.completed", "agent.tool_call.completed",
             "agent.model_call.started", "agent.model_call.completed", "agent.output.delta", "agent.run.completed", "[DONE]"],
            events.Select(e => e.Event));
        var tool = events[2].Data;
        Assert.Equal(("calculator-evaluate", "42", false), (tool.GetProperty("tool").GetString(), tool.GetProperty("result").GetString(), tool.GetProperty("failed").GetBoolean()));
        Assert.Equal("6*7", JsonDocument.Parse(tool.GetProperty("arguments").GetString()!).RootElement.GetProperty("expression").GetString());
        Assert.Equal(FakeOpenAiServer.AnswerText, events[5].Data.GetProperty("delta").GetString());
        var done = events[6].Data;
        Assert.Equal("completed", done.GetProperty("stop_reason").GetString());
        Assert.Equal(FakeOpenAiServer.AnswerText, done.GetProperty("run").GetProperty("output").GetString());
        Assert.Equal(3, done.GetProperty("run").GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task InvokeStream_GatewayFailsAfterTheStreamStarted_SendsOpenAiErrorEventThenDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        gateway.ResponseStatus = (int)HttpStatusCode.ServiceUnavailable;
        gateway.ResponseBody = """{"error":{"message":"No worker is ready.","type":"service_unavailable","param":null,"code":null}}""";
        await using var app = StartAgents(gateway.BaseUrl);
        using var client = app.CreateClient();

        var (response, events) = await PostStreamAsync(client, "/v1/agents/assistant/invoke", new { input = "hi", stream = true }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["agent.model_call.started", "agent.model_call.completed", "error", "[DONE]"], events.Select(e => e.Event));
        Assert.True(events[1].Data.GetProperty("failed").GetBoolean());
        var error = events[2].Data.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("server_error", "upstream_error"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.Contains("No worker is ready.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeStream_StreamNotBoolean_Returns400BeforeAnyStream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = StartAgents("http://127.0.0.1:9");
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/agents/assistant/invoke", new { input = "hi", stream = "yes" }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error");
        Assert.Equal(("invalid_request_error", "stream"), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()));
    }

    [Fact]
    public async Task ChatCompletionsStream_AgentModel_SendsOpenAiChunksThenDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeOpenAiServer.StartAsync(ct);
        await using var app = StartAgents(gateway.BaseUrl);
        using var client = app.CreateClient();

        var (response, events) = await PostStreamAsync(client, "/v1/chat/completions",
            new { model = "agent/assistant", stream = true, messages = new[] { new { role = "user", content = "hi" } } }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1].Event);
        var chunks = events[..^1].Select(e => e.Data).ToList();
        Assert.All(chunks, c => Assert.Equal(("chat.completion.chunk", "agent/assistant"), (c.GetProperty("object").GetString(), c.GetProperty("model").GetString())));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var choices = chunks.Select(c => Assert.Single(c.GetProperty("choices").EnumerateArray())).ToList();
        Assert.Equal("assistant", choices[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(FakeOpenAiServer.AnswerText,
            string.Concat(choices.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("stop", choices[^1].GetProperty("finish_reason").GetString());
    }

    /// <summary>The agents service on Kestrel: streams go through a real socket, as a client would see them.</summary>
    private static AgentsAppFactory StartAgents(string gatewayUrl)
    {
        var app = new AgentsAppFactory(gatewayUrl);
        app.UseKestrel(0);
        app.StartServer();
        return app;
    }

    /// <summary>Posts, then reads the server-sent events: the <c>event:</c> name (or <c>[DONE]</c>) and the JSON data.</summary>
    private static async Task<(HttpResponseMessage Response, List<(string Event, JsonElement Data)> Events)> PostStreamAsync(
        HttpClient client, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = new List<(string, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? name = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line == "data: [DONE]")
            {
                events.Add(("[DONE]", default));
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name ?? "", JsonDocument.Parse(line["data: ".Length..]).RootElement));
                name = null;
            }
        }
        return (response, events);
    }
}
