using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>Weighted versions over real HTTP: two FakeWorkers as "stable" (weight 9) and "canary" (weight 1).</summary>
public sealed class TrafficSplittingApiTests : IAsyncLifetime
{
    private FakeWorker? _stable;
    private FakeWorker? _canary;
    private TestGateway? _gateway;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private FakeWorker Stable => _stable ?? throw new InvalidOperationException();

    private FakeWorker Canary => _canary ?? throw new InvalidOperationException();

    private TestGateway Gateway => _gateway ?? throw new InvalidOperationException();

    public async ValueTask InitializeAsync()
    {
        _stable = await FakeWorker.StartAsync();
        _canary = await FakeWorker.StartAsync();
        _gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "split",
            ["Gateway:Deployments:0:Versions:0:Name"] = "stable",
            ["Gateway:Deployments:0:Versions:0:Weight"] = "9",
            ["Gateway:Deployments:0:Versions:0:Upstream"] = _stable.BaseAddress.ToString(),
            ["Gateway:Deployments:0:Versions:1:Name"] = "canary",
            ["Gateway:Deployments:0:Versions:1:Weight"] = "1",
            ["Gateway:Deployments:0:Versions:1:Upstream"] = _canary.BaseAddress.ToString(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) { await _gateway.DisposeAsync(); }
        if (_stable is not null) { await _stable.DisposeAsync(); }
        if (_canary is not null) { await _canary.DisposeAsync(); }
    }

    [Fact]
    public async Task Post_TwoThousandRequests_SplitNinetyTenWithinTolerance()
    {
        var workers = await SendManyAsync(2000, _ => null);

        Assert.Equal(2000, workers.Length);
        // Binomial(2000, 0.1): mean 200, sigma ~13.4; +-5 sigma.
        Assert.InRange(workers.Count(w => w == Canary.BaseAddress.Authority), 133, 267);
    }

    [Fact]
    public async Task Post_StickyUsers_NeverSwitchVersion()
    {
        for (var user = 0; user < 40; user++)
        {
            var viaUserField = await SendManyAsync(10, _ => $"user-{user}", header: false);
            var viaHeader = await SendManyAsync(10, _ => $"user-{user}", header: true);
            Assert.Single(viaUserField.Concat(viaHeader).Distinct());
        }
    }

    [Fact]
    public async Task Post_WeightsChangedByReloadUnderLoad_NoRequestDroppedAndNewSplitApplies()
    {
        var during = SendManyAsync(400, _ => null);
        Gateway.Configuration["Gateway:Deployments:0:Versions:0:Weight"] = "0";
        Gateway.Configuration.Reload();
        Assert.Equal(400, (await during).Length);

        var after = await SendManyAsync(50, _ => null);
        Assert.All(after, w => Assert.Equal(Canary.BaseAddress.Authority, w));
    }

    /// <summary>Sends requests 16 at a time and returns which worker answered each (all must succeed).</summary>
    private async Task<string[]> SendManyAsync(int count, Func<int, string?> sticky, bool header = false)
    {
        using var gate = new SemaphoreSlim(16);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(Cancellation);
            try
            {
                var key = sticky(i);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions");
                request.Content = JsonContent.Create(header || key is null
                    ? (object)new { model = "split", prompt = "hi" }
                    : new { model = "split", prompt = "hi", user = key });
                if (header && key is not null)
                {
                    request.Headers.Add(RouteRequest.SessionHeader, key);
                }
                using var response = await Gateway.Client.SendAsync(request, Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
                return body.RootElement.GetProperty("worker").GetString() ?? "";
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(tasks);
    }
}
