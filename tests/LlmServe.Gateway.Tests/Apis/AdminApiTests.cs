using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>The admin API with no keys configured (local dev): weights and draining take effect on new requests.</summary>
public sealed class AdminApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutWeights_ThenDrain_NewRequestsFollow()
    {
        await using var stable = await FakeWorker.StartAsync();
        await using var canary = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "split",
            ["Gateway:Deployments:0:Versions:0:Name"] = "stable",
            ["Gateway:Deployments:0:Versions:0:Weight"] = "1",
            ["Gateway:Deployments:0:Versions:0:Upstream"] = stable.BaseAddress.ToString(),
            ["Gateway:Deployments:0:Versions:1:Name"] = "canary",
            ["Gateway:Deployments:0:Versions:1:Weight"] = "0",
            ["Gateway:Deployments:0:Versions:1:Upstream"] = canary.BaseAddress.ToString(),
        });

        using var bad = await gateway.Client.PutAsJsonAsync("/admin/deployments/split/weights", new Dictionary<string, double> { ["nope"] = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var put = await gateway.Client.PutAsJsonAsync("/admin/deployments/split/weights",
            new Dictionary<string, double> { ["stable"] = 0, ["canary"] = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        for (var i = 0; i < 10; i++)
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "split", prompt = "hi" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal((0, 10), (stable.Requests, canary.Requests));

        using var deployments = JsonDocument.Parse(await gateway.Client.GetStringAsync("/admin/deployments", Cancellation));
        var versions = deployments.RootElement[0].GetProperty("versions");
        Assert.Equal(1, versions[1].GetProperty("weight").GetDouble());

        using var drain = await gateway.Client.PostAsJsonAsync("/admin/replicas/drain",
            new { deployment = "split", replica = canary.BaseAddress.Authority, draining = true }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        using var replicas = JsonDocument.Parse(await gateway.Client.GetStringAsync("/admin/replicas", Cancellation));
        Assert.Contains(replicas.RootElement.EnumerateArray(), r => r.GetProperty("draining").GetBoolean());
    }

    [Fact]
    public async Task PutWeights_UnderLoad_NoRequestFails()
    {
        await using var stable = await FakeWorker.StartAsync();
        await using var canary = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "split",
            ["Gateway:Deployments:0:Versions:0:Name"] = "stable",
            ["Gateway:Deployments:0:Versions:0:Upstream"] = stable.BaseAddress.ToString(),
            ["Gateway:Deployments:0:Versions:1:Name"] = "canary",
            ["Gateway:Deployments:0:Versions:1:Weight"] = "0",
            ["Gateway:Deployments:0:Versions:1:Upstream"] = canary.BaseAddress.ToString(),
        });

        var load = Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "split", prompt = "hi" }, Cancellation);
            return response.StatusCode;
        }));
        for (var i = 0; i < 10; i++)
        {
            using var put = await gateway.Client.PutAsJsonAsync("/admin/deployments/split/weights",
                new Dictionary<string, double> { ["stable"] = i % 2, ["canary"] = 1 - (i % 2) }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.All(await load, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(200, stable.Requests + canary.Requests);
    }
}
