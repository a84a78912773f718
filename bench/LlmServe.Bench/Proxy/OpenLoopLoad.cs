using System.Diagnostics;
using System.Net.Http.Headers;

namespace LlmServe.Bench.Proxy;

/// <summary>
/// Open-loop constant-rate load: request i is sent at start + i / rate whether or not earlier ones answered, so a
/// slow proxy cannot slow the arrivals down (no coordinated omission). Each latency runs from the send to the
/// last body byte.
/// </summary>
internal static class OpenLoopLoad
{
    public static async Task<double[]> RunAsync(HttpClient client, Uri url, byte[] body, double rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var latencies = new double[count];
        var pending = new Task[count];
        // A dedicated thread paces the sends; sleeping (not spinning) keeps a core free for the servers.
        await Task.Factory.StartNew(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * Stopwatch.Frequency / rate);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    Thread.Sleep(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
                }
                pending[i] = SendAsync(client, url, body, latencies, i);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(pending);
        return latencies;
    }

    private static async Task SendAsync(HttpClient client, Uri url, byte[] body, double[] latencies, int index)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(url, content);
        await response.Content.ReadAsByteArrayAsync();
        latencies[index] = response.IsSuccessStatusCode ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : double.NaN;
    }
}
