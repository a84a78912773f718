using LlmServe.TestUtilities;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.RealWorkers;

/// <summary>
/// Acceptance bar 2 with real worker processes: a replica killed (SIGKILL) mid-stream, a replica hung (SIGSTOP),
/// and the latency of another deployment while one fails.
/// </summary>
[Collection(RealWorkerCollection.Name)]
public sealed class RealWorkerFaultTests(RealWorkerFixture workers, ITestOutputHelper output)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stream_ReplicaKilledMidStream_ErrorEventWithinOneSecondThenHealthyReplicaServes()
    {
        var victim = workers.KillVictim;
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "fragile",
            ["Gateway:Deployments:0:UpstreamModel"] = RealWorkerFixture.StoryModel,
            ["Gateway:Deployments:0:Upstream"] = "http://worker-fragile",
            ["services:worker-fragile:http:0"] = victim.BaseAddress.ToString(),
            ["services:worker-fragile:http:1"] = workers.Stable.BaseAddress.ToString(),
            ["Gateway:Resilience:HealthCheckInterval"] = "00:00:00.250",
        });
        // Draining the healthy replica (admin API) makes the stream land on the victim; it is undrained before the kill.
        await DrainAsync(gateway, "fragile", workers.Stable, true);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = new StringContent(
                """{"model":"fragile","prompt":"Once upon a time","max_tokens":480,"ignore_eos":true,"stream":true}""",
                Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        Assert.StartsWith("data: {", await reader.ReadLineAsync(Cancellation), StringComparison.Ordinal);
        await DrainAsync(gateway, "fragile", workers.Stable, false);

        await victim.KillAsync();
        var sinceKill = Stopwatch.StartNew();
        var rest = await reader.ReadToEndAsync(Cancellation);
        sinceKill.Stop();

        Assert.True(sinceKill.Elapsed < TimeSpan.FromSeconds(1), $"the stream ended {sinceKill.Elapsed} after the kill");
        Assert.Contains("data: {\"error\":{", rest, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"server_error\"", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", rest, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", rest, StringComparison.Ordinal);

        for (var i = 0; i < 10; i++)
        {
            using var later = await gateway.Client.PostAsJsonAsync("/v1/completions",
                new { model = "fragile", prompt = "Once", max_tokens = 2 }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }
        await Task.Delay(500, Cancellation);
        Assert.False(await IsAvailableAsync(gateway, "fragile", victim));
    }

    [Fact]
    public async Task Post_ReplicaHung_TimedOutAndEjected_OtherDeploymentLatencyUnaffected()
    {
        var victim = workers.StopVictim;
        await using var gateway = TestGateway.Start(new()
        {
            ["Gateway:Deployments:0:Name"] = "stalled",
            ["Gateway:Deployments:0:UpstreamModel"] = RealWorkerFixture.StoryModel,
            ["Gateway:Deployments:0:Upstream"] = "http://worker-stalled",
            ["services:worker-stalled:http:0"] = victim.BaseAddress.ToString(),
            ["services:worker-stalled:http:1"] = workers.Canary.BaseAddress.ToString(),
            // Deployment A: the victim alone, so every request to it fails while it hangs.
            ["Gateway:Deployments:1:Name"] = "hung",
            ["Gateway:Deployments:1:UpstreamModel"] = RealWorkerFixture.StoryModel,
            ["Gateway:Deployments:1:Upstream"] = victim.BaseAddress.ToString(),
            // Deployment B.
            ["Gateway:Deployments:2:Name"] = "steady",
            ["Gateway:Deployments:2:UpstreamModel"] = RealWorkerFixture.OtherModel,
            ["Gateway:Deployments:2:Upstream"] = workers.Other.BaseAddress.ToString(),
            // Long enough that a healthy replica on a busy 2-core machine is never taken for a hung one.
            ["Gateway:Resilience:FirstByteTimeout"] = "00:00:02",
            ["Gateway:Resilience:ConsecutiveFailures"] = "2",
            ["Gateway:Resilience:EjectionDuration"] = "00:05:00",
            // Passive detection alone: the timeouts, not a health probe, must eject the hung replica.
            ["Gateway:Resilience:HealthCheckInterval"] = null,
        });

        var (healthy, healthyStatuses) = await MeasureWhileLoadingAsync(gateway);
        await victim.SignalAsync("STOP");
        var (hung, hungStatuses) = await MeasureWhileLoadingAsync(gateway);

        output.WriteLine($"steady p50/p99 with 'hung' healthy: {Percentile(healthy, 50):F1}/{Percentile(healthy, 99):F1} ms; " +
            $"with 'hung' hung: {Percentile(hung, 50):F1}/{Percentile(hung, 99):F1} ms");
        Assert.All(healthyStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.NotEmpty(hungStatuses);
        Assert.All(hungStatuses, s => Assert.Equal(HttpStatusCode.GatewayTimeout, s));
        // A shared pool or lock would put deployment B behind A's 2-4 s timeouts; allow only scheduling noise.
        Assert.True(Percentile(hung, 50) <= 2 * Percentile(healthy, 50) + 10, "p50 of the other deployment grew");
        Assert.True(Percentile(hung, 99) <= 2 * Percentile(healthy, 99) + 100, "p99 of the other deployment grew");

        // The stalled deployment keeps answering: timed-out attempts retry on the other replica, and the second
        // timeout in a row ejects the hung one (power of two choices sends each request there half the time).
        for (var i = 0; i < 24; i++)
        {
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions",
                new { model = "stalled", prompt = "Once", max_tokens = 2 }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (!await IsAvailableAsync(gateway, "stalled", victim))
            {
                break;
            }
        }
        Assert.False(await IsAvailableAsync(gateway, "stalled", victim));
        // A request that tried the hung replica first would wait out the 2 s first-byte timeout before its retry; on a
        // busy machine a healthy request can take a few hundred ms, so each is held to well under the timeout.
        for (var i = 0; i < 8; i++)
        {
            var fast = Stopwatch.StartNew();
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions",
                new { model = "stalled", prompt = "Once", max_tokens = 2 }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(fast.Elapsed < TimeSpan.FromSeconds(1.5), $"ejected replica still tried: request {i} took {fast.Elapsed}");
        }
    }

    /// <summary>
    /// Keeps 8 clients sending to deployment "hung" while 200 sequential requests go to "steady"; returns the
    /// latencies of the latter (ms) and the statuses of the former.
    /// </summary>
    private async Task<(double[] Latencies, HttpStatusCode[] Statuses)> MeasureWhileLoadingAsync(TestGateway gateway)
    {
        // Loaders stop starting requests when the measurement ends but finish the ones in flight, so a hung
        // deployment's timeouts (longer than the measurement) are still counted.
        var sending = true;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Volatile.Read(ref sending))
            {
                using var r = await gateway.Client.PostAsJsonAsync("/v1/completions",
                    new { model = "hung", prompt = "Once", max_tokens = 1 }, Cancellation);
                statuses.Add(r.StatusCode);
            }
        }).ToArray();
        await Task.Delay(300, Cancellation);

        var latencies = new double[200];
        for (var i = 0; i < latencies.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await gateway.Client.PostAsJsonAsync("/v1/completions",
                new { model = "steady", prompt = "Once", max_tokens = 1 }, Cancellation);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Volatile.Write(ref sending, false);
        await Task.WhenAll(load);
        return (latencies, statuses.ToArray());
    }

    private static double Percentile(double[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];
    }

    private static async Task DrainAsync(TestGateway gateway, string deployment, ServiceProcess replica, bool draining)
    {
        // The gateway learns replicas as it resolves them; one probe round makes both known to the admin API.
        await gateway.Services.GetRequiredService<global::LlmServe.Gateway.Routing.ReplicaHealthChecker>().ProbeAllAsync(Cancellation);
        using var response = await gateway.Client.PostAsJsonAsync("/admin/replicas/drain",
            new { deployment, replica = replica.BaseAddress.Authority, draining }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<bool> IsAvailableAsync(TestGateway gateway, string deployment, ServiceProcess replica)
    {
        using var body = JsonDocument.Parse(await gateway.Client.GetStringAsync("/admin/replicas", Cancellation));
        // A replica no request has reached yet is not listed; it is not ejected either.
        var match = body.RootElement.EnumerateArray()
            .Where(r => r.GetProperty("deployment").GetString() == deployment && r.GetProperty("replica").GetString() == replica.BaseAddress.Authority)
            .ToArray();
        return match.Length == 0 || match.Single().GetProperty("available").GetBoolean();
    }
}
