using LlmServe.TestUtilities;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.RealWorkers;

/// <summary>
/// Acceptance bar 3, short form (the 60 s run is the bench's <c>overload</c> scenario): the gateway as its own
/// process in front of a real worker, offered ten times what the deployment's admission limits let through.
/// </summary>
[Collection(RealWorkerCollection.Name)]
public sealed class OverloadTests(RealWorkerFixture workers, ITestOutputHelper output)
{
    private const int MaxOngoing = 2;
    private const int MaxQueued = 4;
    private const string Body = """{"model":"tight","prompt":"Once upon a time","max_tokens":16,"ignore_eos":true}""";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_TenTimesCapacity_RejectsWithRetryAfterWithinLimitsAndRecovers()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Capacity: what MaxOngoing concurrent clients get through in 2 s, once a first second warmed the gateway up.
        await MeasureCapacityAsync(client, TimeSpan.FromSeconds(1));
        var capacity = await MeasureCapacityAsync(client, TimeSpan.FromSeconds(2));
        await Task.Delay(500, Cancellation);
        var baseline = gateway.ResidentBytes();

        var rate = 10 * capacity;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var maxQueued = WatchMaxQueuedAsync(client, watching.Token);
        var results = await OfferAsync(client, rate, TimeSpan.FromSeconds(6));
        await watching.CancelAsync();
        var observedQueue = await maxQueued;

        await Task.Delay(2000, Cancellation);
        var after = gateway.ResidentBytes();
        var admitted = results.Count(r => r.Status == HttpStatusCode.OK);
        output.WriteLine($"capacity {capacity:F0}/s, offered {rate:F0}/s x 6 s: {results.Length} sent, {admitted} admitted, " +
            $"max queued {observedQueue}, RSS {baseline / 1048576} -> {after / 1048576} MiB");

        Assert.False(gateway.HasExited, gateway.RecentOutput);
        Assert.InRange(observedQueue, 0, MaxQueued);
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK
            || (r.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && r.RetryAfter && r.OpenAiError),
            $"{r.Status} retry-after={r.RetryAfter} openai-error={r.OpenAiError} complete={r.Complete}"));
        Assert.All(results.Where(r => r.Status == HttpStatusCode.OK), r => Assert.True(r.Complete));
        Assert.InRange(results.Count(r => r.Status != HttpStatusCode.OK), results.Length / 2, results.Length);
        Assert.True(admitted > 0);
        // Pools and buffers the burst grew may stay, but nothing per rejected request may: allow a quarter plus 32 MiB.
        Assert.True(after <= baseline * 5 / 4 + (32 << 20), $"RSS {baseline / 1048576} -> {after / 1048576} MiB");

        using var later = await client.PostAsync("/v1/completions", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"), Cancellation);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    private Task<ServiceProcess> StartGatewayAsync()
    {
        var config = Path.Combine(Path.GetTempPath(), $"llmserve-overload-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Gateway = new
            {
                Deployments = new[]
                {
                    new
                    {
                        Name = "tight",
                        UpstreamModel = RealWorkerFixture.OtherModel,
                        Upstream = workers.Other.BaseAddress.ToString(),
                        MaxOngoingRequests = MaxOngoing,
                        MaxQueuedRequests = MaxQueued,
                        QueueTimeout = "00:00:02",
                        BackpressureStatusCode = 429,
                    },
                },
            },
        }));
        return ServiceProcess.StartAsync(Path.Combine(AppContext.BaseDirectory, "LlmServe.Gateway.dll"),
            port => ["--config", config, "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            "/v1/models", new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Logging__LogLevel__Default"] = "Warning" });
    }

    private static async Task<double> MeasureCapacityAsync(HttpClient client, TimeSpan duration)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, MaxOngoing).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await client.PostAsync("/v1/completions", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"), Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Open loop: one request every 1/rate seconds regardless of answers, each one's outcome recorded.</summary>
    private static async Task<Outcome[]> OfferAsync(HttpClient client, double rate, TimeSpan duration)
    {
        var sends = new ConcurrentBag<Task<Outcome>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rate * duration.TotalSeconds; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, Cancellation);
            }
            sends.Add(SendAsync(client));
        }
        return await Task.WhenAll(sends);
    }

    private static async Task<Outcome> SendAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1/completions", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"), Cancellation);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        var root = body.RootElement;
        var complete = root.TryGetProperty("usage", out var usage) && usage.GetProperty("completion_tokens").GetInt32() == 16;
        var error = root.TryGetProperty("error", out var e) && e.TryGetProperty("message", out _) && e.TryGetProperty("type", out _)
            && e.TryGetProperty("param", out _) && e.TryGetProperty("code", out _);
        return new Outcome(response.StatusCode, response.Headers.RetryAfter is not null, error, complete);
    }

    private static async Task<int> WatchMaxQueuedAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var max = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var body = JsonDocument.Parse(await client.GetStringAsync("/admin/deployments", cancellationToken));
                max = Math.Max(max, body.RootElement[0].GetProperty("queued").GetInt32());
                await Task.Delay(10, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The overload ended.
        }
        return max;
    }

    private sealed record Outcome(HttpStatusCode Status, bool RetryAfter, bool OpenAiError, bool Complete);
}
