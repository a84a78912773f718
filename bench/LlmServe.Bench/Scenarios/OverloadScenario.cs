using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LlmServe.Bench.Measure;
using LlmServe.Bench.Proxy;
using LlmServe.Bench.Reporting;
using LlmServe.Bench.Serving;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// Overload: a real Worker behind the gateway (its own process) with Ray Serve style limits, offered ten times the
/// rate those limits let through, open loop, for a minute. Records what the acceptance bar asks: the gateway stays
/// up, the queue never passes its limit, every rejection is a 429/503 with Retry-After, every admitted request
/// completes, and the gateway's memory after the storm against its baseline.
/// </summary>
internal static class OverloadScenario
{
    public const int MaxOngoing = 2;
    public const int MaxQueued = 4;
    private const string Body = """{"model":"tight","prompt":"Once upon a time","max_tokens":16,"ignore_eos":true}""";

    public static async Task<ResultSection> RunAsync(string workerDll, string gatewayDll, string model, TimeSpan duration, double factor)
    {
        await using var worker = await WorkerProcess.StartAsync(workerDll, model, "float32", [], TimeSpan.FromMinutes(2));
        var port = ServiceProcess.FreePort();
        await using var gateway = await GatewayProcess.StartAsync(gatewayDll, port, "tight", worker.BaseAddress, new Dictionary<string, object>
        {
            ["UpstreamModel"] = worker.ServedName,
            ["MaxOngoingRequests"] = MaxOngoing,
            ["MaxQueuedRequests"] = MaxQueued,
            ["QueueTimeout"] = "00:00:02",
            ["BackpressureStatusCode"] = 429,
        });
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 4096 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

        await ClosedLoopAsync(client, TimeSpan.FromSeconds(3));
        var capacity = await ClosedLoopAsync(client, TimeSpan.FromSeconds(5));
        await Task.Delay(1000);
        var baseline = ProcessMemory.ResidentBytes(gateway.Pid);
        var rate = factor * capacity;
        Console.WriteLine($"Capacity {capacity:F1} req/s; offering {rate:F0} req/s for {duration.TotalSeconds:F0} s ...");

        using var watching = new CancellationTokenSource();
        var queueWatch = WatchQueueAsync(client, watching.Token);
        var peakRss = 0L;
        var rssWatch = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, ProcessMemory.ResidentBytes(gateway.Pid));
                await Task.Delay(250);
            }
        });
        var outcomes = await OfferAsync(client, rate, duration);
        await watching.CancelAsync();
        var maxQueued = await queueWatch;
        await rssWatch;

        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = ProcessMemory.ResidentBytes(gateway.Pid);
        using var probe = await client.PostAsync("v1/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        var alive = !gateway.HasExited && probe.StatusCode == HttpStatusCode.OK;

        var admitted = outcomes.Where(o => o.Status == HttpStatusCode.OK).ToArray();
        var rejected = outcomes.Where(o => o.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable).ToArray();
        var other = outcomes.Length - admitted.Length - rejected.Length;
        const double MiB = 1048576.0;
        return new ResultSection(
            $"Overload: {factor:F0}x capacity ({rate:F0} req/s offered, open loop) for {duration.TotalSeconds:F0} s; limits max_ongoing={MaxOngoing}, max_queued={MaxQueued}, queue timeout 2 s",
        [
            new("capacity (closed loop at max_ongoing)", "req/s", capacity),
            new("requests offered", "", outcomes.Length),
            new("admitted and complete (16 tokens each)", "", admitted.Count(o => o.Complete), Note: $"{admitted.Length} admitted"),
            new("rejected 429/503, all with Retry-After and an OpenAI error", "", rejected.Count(o => o.RetryAfter && o.OpenAiError), Note: $"{rejected.Length} rejected"),
            new("any other outcome (5xx, reset, timeout)", "", other, Target: "0"),
            new("max queued observed (10 ms polling)", "", maxQueued, MaxQueued, Target: $"<= {MaxQueued}"),
            new("rejection latency p50 / p99", "ms", Stats.Percentile(rejected.Select(o => o.Milliseconds).ToArray(), 50),
                Note: $"p99 {Stats.Percentile(rejected.Select(o => o.Milliseconds).ToArray(), 99):F1} ms"),
            new("admitted latency p50 / p99", "ms", Stats.Percentile(admitted.Select(o => o.Milliseconds).ToArray(), 50),
                Note: $"p99 {Stats.Percentile(admitted.Select(o => o.Milliseconds).ToArray(), 99):F0} ms"),
            new("gateway RSS: baseline, peak during, 5 s after", "MiB", after / MiB, baseline / MiB,
                Note: $"baseline {baseline / MiB:F0}, peak {peakRss / MiB:F0}, after {after / MiB:F0}"),
            new("gateway alive and serving afterwards", "", alive ? 1 : 0, Target: "1"),
        ], "bound / baseline");
    }

    private static async Task<double> ClosedLoopAsync(HttpClient client, TimeSpan duration)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, MaxOngoing).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await client.PostAsync("v1/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    private static async Task<Outcome[]> OfferAsync(HttpClient client, double rate, TimeSpan duration)
    {
        var sends = new ConcurrentBag<Task<Outcome>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rate * duration.TotalSeconds; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            sends.Add(SendAsync(client));
        }
        return await Task.WhenAll(sends);
    }

    private static async Task<Outcome> SendAsync(HttpClient client)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.PostAsync("v1/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = body.RootElement;
            var complete = root.TryGetProperty("usage", out var usage) && usage.GetProperty("completion_tokens").GetInt32() == 16;
            var error = root.TryGetProperty("error", out var e) && e.TryGetProperty("message", out _) && e.TryGetProperty("type", out _)
                && e.TryGetProperty("param", out _) && e.TryGetProperty("code", out _);
            return new Outcome(response.StatusCode, response.Headers.RetryAfter is not null, error, complete, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new Outcome(0, false, false, false, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task<int> WatchQueueAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var max = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var body = JsonDocument.Parse(await client.GetStringAsync("admin/deployments", cancellationToken));
                max = Math.Max(max, body.RootElement[0].GetProperty("queued").GetInt32());
                await Task.Delay(10, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The storm is over.
        }
        return max;
    }

    private sealed record Outcome(HttpStatusCode Status, bool RetryAfter, bool OpenAiError, bool Complete, double Milliseconds);
}
