using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Forwarding;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Tests.Apis;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.RealWorkers;

/// <summary>
/// Acceptance bar 1 through real worker processes: routing by model and alias, the aggregated model list, unknown
/// models, a 90/10 canary split, sticky users and a weight change under load (each answer a real forward pass).
/// </summary>
[Collection(RealWorkerCollection.Name)]
public sealed class RealWorkerRoutingTests(RealWorkerFixture workers) : IAsyncLifetime
{
    private const string Stable = "stable";
    private const string Canary = "canary";
    private TestGateway? _gateway;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private TestGateway Gateway => _gateway ?? throw new InvalidOperationException("Not initialized.");

    public ValueTask InitializeAsync()
    {
        _gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = RealWorkerFixture.StoryModel,
            ["Gateway:Deployments:0:Aliases:0"] = "tinystories",
            ["Gateway:Deployments:0:Versions:0:Name"] = Stable,
            ["Gateway:Deployments:0:Versions:0:Weight"] = "9",
            ["Gateway:Deployments:0:Versions:0:Upstream"] = workers.Stable.BaseAddress.ToString(),
            ["Gateway:Deployments:0:Versions:1:Name"] = Canary,
            ["Gateway:Deployments:0:Versions:1:Weight"] = "1",
            ["Gateway:Deployments:0:Versions:1:Upstream"] = workers.Canary.BaseAddress.ToString(),
            ["Gateway:Deployments:1:Name"] = "other-model",
            ["Gateway:Deployments:1:Aliases:0"] = "other-alias",
            ["Gateway:Deployments:1:UpstreamModel"] = RealWorkerFixture.OtherModel,
            ["Gateway:Deployments:1:Upstream"] = workers.Other.BaseAddress.ToString(),
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("story", "story")]
    [InlineData("tinystories", "story")]
    [InlineData("other-model", "other")]
    [InlineData("other-alias", "other")]
    public async Task Post_ModelOrAlias_AnsweredByThatDeploymentsWorker(string requested, string servedBy)
    {
        using var response = await Gateway.Client.PostAsJsonAsync("/v1/completions",
            new { model = requested, prompt = "Once upon a time", max_tokens = 4 }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        // The worker checks the model field against its served name, so this answer came from that worker's forward pass.
        Assert.Equal(servedBy, body.RootElement.GetProperty("model").GetString());
        Assert.Equal(4, body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task GetModels_ListsEveryDeploymentAndAlias()
    {
        using var body = JsonDocument.Parse(await Gateway.Client.GetStringAsync("/v1/models", Cancellation));

        var ids = body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToArray();
        Assert.Equal(["story", "tinystories", "other-model", "other-alias"], ids);
    }

    [Fact]
    public async Task Post_UnknownModel_404ListingAvailableNames()
    {
        using var response = await Gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "nope", prompt = "hi" }, Cancellation);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "NotFoundError");
        var message = error.GetProperty("message").GetString() ?? "";
        Assert.All(new[] { "story", "tinystories", "other-model", "other-alias" }, name => Assert.Contains(name, message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_TwoThousandRequests_SplitNinetyTenWithinFourSigma()
    {
        var versions = await SendManyAsync(2000, _ => null);

        // Binomial(2000, 0.1): mean 200, sigma = sqrt(2000 * 0.1 * 0.9) = 13.4; 4 sigma = 54.
        Assert.InRange(versions.Count(v => v == Canary), 146, 254);
        Assert.Equal(2000, versions.Count(v => v is Stable or Canary));
    }

    [Fact]
    public async Task Post_StickyUsers_NeverSwitchVersion()
    {
        var users = Enumerable.Range(0, 60).Select(u => $"user-{u}").ToArray();
        var versions = await SendManyAsync(users.Length * 8, i => users[i % users.Length]);

        var byUser = versions.Select((v, i) => (User: users[i % users.Length], Version: v)).GroupBy(x => x.User).ToArray();
        Assert.All(byUser, g => Assert.Single(g.Select(x => x.Version).Distinct()));
        // With 60 users at 90/10 both versions have sticky users (P(no canary user) = 0.9^60 = 0.2%).
        Assert.Contains(versions, v => v == Canary);
    }

    [Fact]
    public async Task PutWeights_UnderLoad_NoRequestDroppedAndNewSplitApplies()
    {
        var during = SendManyAsync(600, _ => null);
        await Task.Delay(200, Cancellation);
        using (var put = await Gateway.Client.PutAsJsonAsync($"/admin/deployments/{RealWorkerFixture.StoryModel}/weights",
            new Dictionary<string, double> { [Stable] = 0, [Canary] = 1 }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // SendManyAsync asserts each of the 600 got a 200 from a worker.
        Assert.Equal(600, (await during).Length);
        var after = await SendManyAsync(100, _ => null);
        Assert.All(after, v => Assert.Equal(Canary, v));
    }

    /// <summary>Sends requests 16 at a time (max_tokens 1) and returns the version that answered each; all must succeed.</summary>
    private async Task<string?[]> SendManyAsync(int count, Func<int, string?> user)
    {
        using var gate = new SemaphoreSlim(16);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(Cancellation);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions");
                request.Content = JsonContent.Create(user(i) is { } u
                    ? (object)new { model = RealWorkerFixture.StoryModel, prompt = "Once", max_tokens = 1, user = u }
                    : new { model = RealWorkerFixture.StoryModel, prompt = "Once", max_tokens = 1 });
                using var response = await Gateway.Client.SendAsync(request, Cancellation);
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancellation));
                return response.Headers.TryGetValues(UpstreamForwarder.VersionHeader, out var values) ? values.Single() : null;
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(tasks);
    }
}
