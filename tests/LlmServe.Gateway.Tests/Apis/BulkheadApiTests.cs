using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>A hung deployment, flooded, must not slow another deployment on the same gateway.</summary>
public sealed class BulkheadApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_OtherDeploymentHungAndFlooded_LatencyUnaffected()
    {
        await using var hung = await FakeWorker.StartAsync();
        hung.DefaultMode = "hang";
        await using var fast = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "hung",
            ["Gateway:Deployments:0:Upstream"] = hung.BaseAddress.ToString(),
            ["Gateway:Deployments:0:MaxOngoingRequests"] = "4",
            ["Gateway:Deployments:0:MaxQueuedRequests"] = "8",
            ["Gateway:Deployments:1:Name"] = "fast",
            ["Gateway:Deployments:1:Upstream"] = fast.BaseAddress.ToString(),
        });

        var baseline = await MeasureAsync(gateway);
        using var flood = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var flooding = Enumerable.Range(0, 100)
            .Select(_ => gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "hung", prompt = "hi" }, flood.Token))
            .ToArray();
        await Task.Delay(200, Cancellation);
        var during = await MeasureAsync(gateway);
        await flood.CancelAsync();
        await Task.WhenAll(flooding.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.InRange(hung.MaxOngoing, 1, 4);
        // Median of 20 sequential calls: allow noise on a shared CI box, but not a hung deployment's effect.
        Assert.True(during < baseline + TimeSpan.FromMilliseconds(100), $"baseline {baseline}, during {during}");
    }

    private static async Task<TimeSpan> MeasureAsync(TestGateway gateway)
    {
        var samples = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "fast", prompt = "hi" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            samples.Add(watch.Elapsed);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
