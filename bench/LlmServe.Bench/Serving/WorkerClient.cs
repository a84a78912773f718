using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmServe.Bench.Serving;

/// <summary>
/// <c>/v1/completions</c> with token-id prompts: greedy, <c>ignore_eos</c>, so every request produces exactly
/// <c>max_tokens</c> tokens whatever the random weights predict.
/// </summary>
internal sealed class WorkerClient(Uri baseAddress, string model) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(30),
    };

    /// <summary>One non-streamed request; returns the completion tokens the server reports.</summary>
    public async Task<int> CompleteAsync(IReadOnlyList<int> prompt, int maxTokens, CancellationToken ct = default)
    {
        using var response = await _http.PostAsJsonAsync("v1/completions", Body(prompt, maxTokens, stream: false), ct);
        await EnsureOkAsync(response, ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        return doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
    }

    /// <summary>One streamed request, timed per chunk from the moment it is sent; <paramref name="extra"/> adds body fields.</summary>
    public async Task<StreamTiming> StreamAsync(IReadOnlyList<int> prompt, int maxTokens, CancellationToken ct = default,
        IReadOnlyDictionary<string, object>? extra = null)
    {
        var started = Stopwatch.GetTimestamp();
        var body = Body(prompt, maxTokens, stream: true);
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            body[key] = value;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = JsonContent.Create(body) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureOkAsync(response, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var chunks = new List<double>();
        var tokens = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
            {
                continue;
            }
            var at = Stopwatch.GetElapsedTime(started).TotalSeconds;
            using var doc = JsonDocument.Parse(line.AsMemory(6));
            var root = doc.RootElement;
            // Only chunks that carry text count: the worker opens every stream with an empty chunk before any token
            // exists, and timing that would report the time to first byte, not to first token.
            if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 })
            {
                chunks.Add(at);
            }
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                tokens = usage.GetProperty("completion_tokens").GetInt32();
            }
        }
        return new StreamTiming(chunks, tokens);
    }

    private Dictionary<string, object> Body(IReadOnlyList<int> prompt, int maxTokens, bool stream)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["prompt"] = prompt,
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["ignore_eos"] = true,
            ["stream"] = stream,
        };
        if (stream)
        {
            // The final chunk then carries usage, the token count the decode rate needs.
            body["stream_options"] = new Dictionary<string, object> { ["include_usage"] = true };
        }
        return body;
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    public void Dispose() => _http.Dispose();
}
