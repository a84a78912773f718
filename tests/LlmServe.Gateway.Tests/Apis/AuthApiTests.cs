using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LlmServe.Gateway.Auth;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>The key matrix over real HTTP: missing, wrong, model not allowed, admin with a user key, rpm and budget.</summary>
public sealed class AuthApiTests : IAsyncLifetime
{
    private FakeWorker? _worker;
    private TestGateway? _gateway;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private FakeWorker Worker => _worker ?? throw new InvalidOperationException();

    private TestGateway Gateway => _gateway ?? throw new InvalidOperationException();

    public async ValueTask InitializeAsync()
    {
        _worker = await FakeWorker.StartAsync();
        _gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "open-model",
            ["Gateway:Deployments:0:Upstream"] = _worker.BaseAddress.ToString(),
            ["Gateway:Deployments:1:Name"] = "secret-model",
            ["Gateway:Deployments:1:Upstream"] = _worker.BaseAddress.ToString(),
            ["Gateway:Auth:AdminKeyHash"] = ApiKeyMatcher.HashHex("sk-admin"),
            ["Gateway:Auth:Keys:0:Name"] = "alice",
            ["Gateway:Auth:Keys:0:KeyHash"] = ApiKeyMatcher.HashHex("sk-alice"),
            ["Gateway:Auth:Keys:0:Models:0"] = "open-model",
            ["Gateway:Auth:Keys:1:Name"] = "bob",
            ["Gateway:Auth:Keys:1:KeyHash"] = ApiKeyMatcher.HashHex("sk-bob"),
            ["Gateway:Auth:Keys:1:Budget"] = "1000",
            ["Gateway:Auth:Keys:2:Name"] = "carol",
            ["Gateway:Auth:Keys:2:KeyHash"] = ApiKeyMatcher.HashHex("sk-carol"),
            ["Gateway:Auth:Keys:2:RequestsPerMinute"] = "2",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) { await _gateway.DisposeAsync(); }
        if (_worker is not null) { await _worker.DisposeAsync(); }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        var response = await Gateway.Client.SendAsync(request, Cancellation);
        await response.Content.LoadIntoBufferAsync(Cancellation);
        return response;
    }

    private Task<HttpResponseMessage> CompleteAsync(string? key, string model = "open-model", int maxTokens = 16) =>
        SendAsync(HttpMethod.Post, "/v1/completions", key, new { model, prompt = "hi", max_tokens = maxTokens });

    [Theory]
    [InlineData(null, "open-model", HttpStatusCode.Unauthorized, "authentication_error")]
    [InlineData("sk-wrong", "open-model", HttpStatusCode.Unauthorized, "authentication_error")]
    [InlineData("sk-admin", "open-model", HttpStatusCode.Unauthorized, "authentication_error")]
    [InlineData("sk-alice", "secret-model", HttpStatusCode.Forbidden, "permission_error")]
    public async Task Post_KeyMatrix_ReturnsOpenAiShapedError(string? key, string model, HttpStatusCode status, string type)
    {
        using var response = await CompleteAsync(key, model);

        await OpenAiErrorAssert.IsErrorAsync(response, status, type);
        Assert.Equal(0, Worker.Requests);
    }

    [Theory]
    [InlineData("/v1/score", null, HttpStatusCode.Unauthorized)]
    [InlineData("/v2/rerank", null, HttpStatusCode.Unauthorized)]
    [InlineData("/v2/rerank", "sk-wrong", HttpStatusCode.Unauthorized)]
    [InlineData("/v1/rerank", "sk-alice", HttpStatusCode.OK)]
    public async Task PostScoring_ByKey_IsAuthenticatedLikeTheRestOfTheApi(string path, string? key, HttpStatusCode expected)
    {
        object body = path.EndsWith("score", StringComparison.Ordinal)
            ? new { model = "open-model", text_1 = "a", text_2 = new[] { "b" } }
            : new { model = "open-model", query = "a", documents = new[] { "b" } };

        using var response = await SendAsync(HttpMethod.Post, path, key, body);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, Worker.Requests);
    }

    [Fact]
    public async Task Post_AllowedKey_ReachesWorker()
    {
        using var alice = await CompleteAsync("sk-alice");
        using var bob = await CompleteAsync("sk-bob", "secret-model");

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("sk-alice", HttpStatusCode.Forbidden)]
    [InlineData("sk-admin", HttpStatusCode.OK)]
    public async Task GetAdmin_ByKey_RequiresAdminKey(string? key, HttpStatusCode expected)
    {
        using var deployments = await SendAsync(HttpMethod.Get, "/admin/deployments", key);
        using var replicas = await SendAsync(HttpMethod.Get, "/admin/replicas", key);

        Assert.Equal(expected, deployments.StatusCode);
        Assert.Equal(expected, replicas.StatusCode);
    }

    [Fact]
    public async Task Post_OverRequestsPerMinute_Gets429WithRetryAfter()
    {
        using var first = await CompleteAsync("sk-carol");
        using var second = await CompleteAsync("sk-carol");
        using var third = await CompleteAsync("sk-carol");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await OpenAiErrorAssert.IsErrorAsync(third, HttpStatusCode.TooManyRequests, "rate_limit_error");
        Assert.InRange(third.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Post_ConcurrentRequestsOverBudget_NoBypassAndSettledToUsage()
    {
        Worker.DefaultMode = "delay:300";
        // Each reserves 100 (max_tokens) + 1 (prompt "hi") = 101 tokens: at most 9 fit a budget of 1000 at once.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => CompleteAsync("sk-bob", "open-model", 100)));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.InRange(ok, 1, 9);
        Assert.Equal(ok, Worker.Requests);
        foreach (var rejected in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await OpenAiErrorAssert.IsErrorAsync(rejected, HttpStatusCode.TooManyRequests, "insufficient_quota");
        }
        // Settled to the 7 total tokens the worker reported per request.
        Assert.Equal(ok * 7, Gateway.Services.GetRequiredService<KeyUsageLedger>().Get("bob").Spent);
    }
}
