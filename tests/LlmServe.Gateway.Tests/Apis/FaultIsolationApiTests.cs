using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>Replica failures over real HTTP: mid-stream death, dead and broken replicas, hangs and health probes.</summary>
public sealed class FaultIsolationApiTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> TwoReplicas(string first, string second, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Deployments:0:Name"] = "pair",
            ["Gateway:Deployments:0:Upstream"] = "http://worker-pair",
            ["services:worker-pair:http:0"] = first,
            ["services:worker-pair:http:1"] = second,
            ["Gateway:Resilience:HealthCheckInterval"] = null,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    private static Task<HttpResponseMessage> PostAsync(TestGateway gateway, string model = "pair") =>
        gateway.Client.PostAsJsonAsync("/v1/completions", new { model, prompt = "hi" }, Cancellation);

    [Fact]
    public async Task Post_ReplicaDiesMidStream_ClientGetsSseErrorEventWithinOneSecond()
    {
        await using var worker = await FakeWorker.StartAsync();
        worker.DefaultMode = "die-mid-stream";
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "dying",
            ["Gateway:Deployments:0:Upstream"] = worker.BaseAddress.ToString(),
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"dying","messages":[{"role":"user","content":"hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        Assert.Equal(FakeWorker.FirstChunk, await reader.ReadLineAsync(Cancellation));
        var afterFirstChunk = Stopwatch.StartNew();
        var rest = await reader.ReadToEndAsync(Cancellation);

        // The worker dies 100 ms after the first chunk; the error event and the end must follow within a second.
        Assert.True(afterFirstChunk.Elapsed < TimeSpan.FromSeconds(1), $"took {afterFirstChunk.Elapsed}");
        Assert.Contains("data: {\"error\":{", rest, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"server_error\"", rest, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OneReplicaRefusesConnections_RetriedOnOtherAndEjected()
    {
        await using var worker = await FakeWorker.StartAsync();
        var dead = TestPorts.ClosedAddress();
        await using var gateway = TestGateway.Start(TwoReplicas(dead, worker.BaseAddress.ToString(),
            ("Gateway:Resilience:ConsecutiveFailures", "2")));

        for (var i = 0; i < 20; i++)
        {
            using var response = await PostAsync(gateway);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(20, worker.Requests);
        var deadState = gateway.Services.GetRequiredService<ReplicaStateStore>().Snapshot().Single(r => dead.Contains(r.Id, StringComparison.Ordinal));
        Assert.NotNull(deadState.EjectedUntil);
    }

    [Fact]
    public async Task Post_ReplicaAnswers500_EjectedAfterConsecutiveFailures()
    {
        await using var healthy = await FakeWorker.StartAsync();
        await using var broken = await FakeWorker.StartAsync();
        broken.DefaultMode = "status:500";
        await using var gateway = TestGateway.Start(TwoReplicas(healthy.BaseAddress.ToString(), broken.BaseAddress.ToString(),
            ("Gateway:Resilience:ConsecutiveFailures", "3"), ("Gateway:Resilience:EjectionDuration", "00:05:00")));

        for (var i = 0; i < 40; i++)
        {
            using var response = await PostAsync(gateway);
        }

        // A 500 is an answer, so it is relayed, not retried; the third in a row ejects the replica for 5 minutes.
        Assert.Equal(3, broken.Requests);
        Assert.Equal(37, healthy.Requests);
    }

    [Fact]
    public async Task Post_ReplicaHangsPastFirstByteTimeout_Gets504InTime()
    {
        await using var worker = await FakeWorker.StartAsync();
        worker.DefaultMode = "hang";
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "hung",
            ["Gateway:Deployments:0:Upstream"] = worker.BaseAddress.ToString(),
            ["Gateway:Resilience:FirstByteTimeout"] = "00:00:00.500",
            ["Gateway:Resilience:MaxRetries"] = "0",
        });

        var elapsed = Stopwatch.StartNew();
        using var response = await PostAsync(gateway, "hung");

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.GatewayTimeout, "server_error");
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ProbeAllAsync_ReplicaHealthFails_TakesNoTrafficUntilHealthyAgain()
    {
        await using var good = await FakeWorker.StartAsync();
        await using var sick = await FakeWorker.StartAsync();
        sick.DefaultMode = "status:500";
        await using var gateway = TestGateway.Start(TwoReplicas(good.BaseAddress.ToString(), sick.BaseAddress.ToString(),
            ("Gateway:Resilience:ConsecutiveFailures", "0")));
        var checker = gateway.Services.GetRequiredService<ReplicaHealthChecker>();

        await checker.ProbeAllAsync(Cancellation);
        for (var i = 0; i < 10; i++)
        {
            using var response = await PostAsync(gateway);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(0, sick.Requests);

        sick.DefaultMode = null;
        await checker.ProbeAllAsync(Cancellation);
        for (var i = 0; i < 30; i++)
        {
            using var response = await PostAsync(gateway);
        }
        Assert.True(sick.Requests > 0);
    }
}
