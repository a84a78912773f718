using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

[Collection(GatewayCollection.Name)]
public sealed class ChatCompletionsApiTests(GatewayFixture fixture)
{
    private const string Path = "/v1/chat/completions";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string ChatBody(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Once upon a time"}],"stream":{{(stream ? "true" : "false")}}}""";

    [Fact]
    public async Task Post_KnownModel_ForwardsBodyIntactWithPathAndQuery()
    {
        // Non-ASCII text, escapes and odd spacing must reach the worker byte for byte (the body is never re-serialized).
        const string body = """{ "model":"echo-model",  "messages":[{"role":"user","content":"héllo \u00e9 \"quoted\" 🚀"}], "temperature":0.5 }""";

        using var response = await fixture.Client.PostAsync(Path + "?trace=1", Json(body), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("echo-model", echo.GetProperty("model").GetString());
        Assert.Equal(Path + "?trace=1", echo.GetProperty("path").GetString());
        Assert.Equal(body, echo.GetProperty("body").GetString());
        Assert.False(string.IsNullOrEmpty(echo.GetProperty("forwardedFor").GetString()));
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(100, false)]
    [InlineData(200_000, true)]
    [InlineData(200_000, false)]
    public async Task Post_BodyOfAnySizeAndFraming_ReachesWorkerByteForByte(int contentChars, bool declareLength)
    {
        // Small bodies leave with their headers in one write, large ones in several, chunked ones without a length.
        var body = $$"""{"model":"echo-model","messages":[{"role":"user","content":"{{new string('x', contentChars)}}"}]}""";
        var bytes = Encoding.UTF8.GetBytes(body);
        HttpContent content = declareLength ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        request.Headers.TransferEncodingChunked = !declareLength;

        using var response = await fixture.Client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(body, echo.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Post_BehindAnotherProxy_WorkerSeesItsOwnHostAndTheClientChainInForwardedFor()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = Json(ChatBody("echo-model")) };
        request.Headers.Host = "api.example.com";
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await fixture.Client.SendAsync(request, Cancellation);

        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        // A virtual-hosted upstream routes on Host: it must name the upstream, not the address the client used.
        Assert.NotEqual("api.example.com", echo.GetProperty("host").GetString());
        Assert.Equal(echo.GetProperty("worker").GetString(), echo.GetProperty("host").GetString());
        Assert.Matches(@"^203\.0\.113\.7, \S+$", echo.GetProperty("forwardedFor").GetString());
    }

    [Theory]
    [InlineData(GatewayFixture.EchoAlias, GatewayFixture.EchoModel)]
    [InlineData(GatewayFixture.SlashAlias, GatewayFixture.EchoModel)]
    [InlineData(GatewayFixture.DiscoveredModel, GatewayFixture.DiscoveredModel)]
    public async Task Post_AliasOrDiscoveredDeployment_ReachesWorkerUnderItsServedName(string model, string served)
    {
        using var response = await fixture.Client.PostAsync(Path, Json(ChatBody(model)), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(served, echo.GetProperty("model").GetString());
        // Only the model field changes; the rest of the request is forwarded as sent.
        using var sent = JsonDocument.Parse(echo.GetProperty("body").GetString()!);
        Assert.Equal("Once upon a time", sent.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Post_WithTraceparent_WorkerReceivesSameTraceWithGatewayParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpan = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = Json(ChatBody("echo-model")) };
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpan}-01");

        using var response = await fixture.Client.SendAsync(request, Cancellation);

        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var forwarded = echo.GetProperty("traceparent").GetString() ?? "";
        Assert.StartsWith($"00-{traceId}-", forwarded, StringComparison.Ordinal);
        Assert.DoesNotContain(clientSpan, forwarded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Routed_EmitsRouteActivityWithModelDeploymentAndReplica()
    {
        var stopped = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "LlmServe.Gateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("llmserve.model") as string == GatewayFixture.SlashAlias)
                {
                    stopped.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await fixture.Client.PostAsync(Path, Json(ChatBody(GatewayFixture.SlashAlias)), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var activity = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(GatewayFixture.EchoModel, activity.GetTagItem("llmserve.deployment"));
        Assert.Equal(fixture.Worker.BaseAddress.Authority, activity.GetTagItem("llmserve.replica"));
    }

    [Fact]
    public async Task Post_UnknownModel_Returns404ListingAvailableModels()
    {
        using var response = await fixture.Client.PostAsync(Path, Json(ChatBody("gpt-4o")), Cancellation);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.Contains("gpt-4o", message, StringComparison.Ordinal);
        foreach (var name in new[] { GatewayFixture.EchoModel, GatewayFixture.EchoAlias, GatewayFixture.SlashAlias, GatewayFixture.DiscoveredModel })
        {
            Assert.Contains(name, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"model\":", null)]
    [InlineData("", null)]
    [InlineData("[1,2]", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":1,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"echo-model"}""", "messages")]
    [InlineData("""{"model":"echo-model","messages":[]}""", "messages")]
    [InlineData("""{"model":"echo-model","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"echo-model","messages":[{"role":"user"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"echo-model","messages":[{"role":"user"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"echo-model","messages":[{"role":"user"}],"temperature":"hot"}""", "temperature")]
    public async Task Post_InvalidBody_Returns400NamingParam(string body, string? param)
    {
        using var response = await fixture.Client.PostAsync(Path, Json(body), Cancellation);

        await OpenAiErrorAssert.IsBadRequestAsync(response, param);
    }

    [Fact]
    public async Task Post_WorkerDown_Returns502NamingDeployment()
    {
        using var response = await fixture.Client.PostAsync(Path, Json(ChatBody(GatewayFixture.DownModel)), Cancellation);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadGateway, "server_error");
        Assert.Contains(GatewayFixture.DownModel, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoReplicaEndpoint_Returns503WithRetryAfter()
    {
        using var response = await fixture.Client.PostAsync(Path, Json(ChatBody(GatewayFixture.EmptyModel)), Cancellation);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Contains(GatewayFixture.EmptyModel, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_BodyOverLimit_Returns413(bool declareLength)
    {
        var body = new StringBuilder("{\"model\":\"echo-model\",\"messages\":[{\"role\":\"user\",\"content\":\"");
        body.Append('a', 16 * 1024 * 1024).Append("\"}]}");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        // Without a length the body goes chunked and the limit can only be enforced while reading.
        HttpContent content = declareLength ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/json");
        if (!declareLength)
        {
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        if (!declareLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        using var response = await fixture.Client.SendAsync(request, Cancellation);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error");
    }
}
