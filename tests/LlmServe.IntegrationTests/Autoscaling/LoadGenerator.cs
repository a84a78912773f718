using System.Text;
using System.Text.Json;

namespace LlmServe.IntegrationTests.Autoscaling;

/// <summary>
/// Closed-loop streaming clients against the gateway: each sends a streaming chat completion, reads it to [DONE],
/// and sends the next, until stopped. Every request that does not end in a complete stream counts as failed.
/// </summary>
internal sealed class LoadGenerator(HttpClient gateway, int maxTokens) : IAsyncDisposable
{
    private readonly List<(Task Loop, CancellationTokenSource Stop)> _clients = [];
    private int _completed;
    private readonly List<string> _failures = [];

    public int Completed => Volatile.Read(ref _completed);

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public int Clients => _clients.Count;

    /// <summary>Adds clients until <paramref name="count"/> run.</summary>
    public void Grow(int count)
    {
        while (_clients.Count < count)
        {
            var stop = new CancellationTokenSource();
            _clients.Add((Task.Run(() => LoopAsync(stop.Token)), stop));
        }
    }

    /// <summary>Stops clients (each after its current request) until <paramref name="count"/> run.</summary>
    public async Task ShrinkAsync(int count)
    {
        while (_clients.Count > count)
        {
            var (loop, stop) = _clients[^1];
            _clients.RemoveAt(_clients.Count - 1);
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await StreamOnceAsync();
                Interlocked.Increment(ref _completed);
            }
            catch (Exception ex)
            {
                lock (_failures)
                {
                    _failures.Add(ex.Message);
                }
            }
        }
    }

    /// <summary>One streaming request, never cancelled midway: a stopped client finishes what it started.</summary>
    private async Task StreamOnceAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":{{maxTokens}},"temperature":0,"stream":true}""",
                Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {body}");
        }
        var events = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        if (events.Count < 2 || events[^1] != "[DONE]")
        {
            throw new InvalidOperationException($"incomplete stream: {body}");
        }
        foreach (var data in events[..^1])
        {
            using var json = JsonDocument.Parse(data);
            if (json.RootElement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"error event: {error}");
            }
        }
    }

    public async ValueTask DisposeAsync() => await ShrinkAsync(0);
}
