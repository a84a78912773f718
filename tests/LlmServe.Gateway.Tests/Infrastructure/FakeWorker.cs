using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server standing in for a worker replica. JSON requests are echoed back (model, path, raw body,
/// trace header); <c>"stream": true</c> requests get an SSE stream that pauses after the first chunk until the
/// test calls <see cref="Release"/>, which proves the gateway passes chunks through unbuffered.
/// </summary>
public sealed class FakeWorker : IAsyncDisposable
{
    /// <summary>Names a streaming request so the test can release or observe it.</summary>
    public const string StreamIdHeader = "x-test-stream-id";

    public const string FirstChunk = "data: {\"chunk\":1}";

    /// <summary>Per-request behaviour: <c>delay:MS</c>, <c>status:CODE</c>, <c>hang</c> or <c>die-mid-stream</c>.</summary>
    public const string ModeHeader = "x-test-mode";

    private int _ongoing;
    private int _maxOngoing;
    private int _requests;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _releases = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _aborts = new();
    private readonly WebApplication _app;

    private FakeWorker(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Applied to requests without a <see cref="ModeHeader"/> (for example <c>status:500</c> for a broken replica).</summary>
    public string? DefaultMode { get; set; }

    /// <summary>The most requests this worker served at once.</summary>
    public int MaxOngoing => Volatile.Read(ref _maxOngoing);

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeWorker> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        FakeWorker? worker = null;
        RequestDelegate handle = context => worker!.HandleAsync(context);
        app.MapPost("/v1/chat/completions", handle);
        app.MapPost("/v1/completions", handle);
        app.MapPost("/v1/embeddings", handle);
        app.MapPost("/v1/score", handle);
        app.MapPost("/v1/rerank", handle);
        app.MapPost("/v2/rerank", handle);
        app.MapGet("/health", () => worker!.DefaultMode is "status:500" ? Results.StatusCode(503) : Results.Ok());
        app.MapGet("/load", () => new { running = worker!._ongoing, waiting = 0, kv_cache_usage = 0.0, num_blocks = 16 });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        worker = new FakeWorker(app, new Uri(address));
        return worker;
    }

    public void Release(string streamId) => Gate(_releases, streamId).TrySetResult();

    /// <summary>Completes when the gateway cancelled the stream's upstream request.</summary>
    public Task WhenAborted(string streamId) => Gate(_aborts, streamId).Task;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static TaskCompletionSource Gate(ConcurrentDictionary<string, TaskCompletionSource> gates, string id) =>
        gates.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var now = Interlocked.Increment(ref _ongoing);
        for (var max = _maxOngoing; now > max; max = _maxOngoing)
        {
            Interlocked.CompareExchange(ref _maxOngoing, now, max);
        }
        try
        {
            var mode = context.Request.Headers[ModeHeader].ToString();
            await HandleModeAsync(context, string.IsNullOrEmpty(mode) ? DefaultMode ?? "" : mode);
        }
        finally
        {
            Interlocked.Decrement(ref _ongoing);
        }
    }

    private async Task HandleModeAsync(HttpContext context, string mode)
    {
        if (mode.StartsWith("delay:", StringComparison.Ordinal))
        {
            await Task.Delay(int.Parse(mode[6..], System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
        }
        else if (mode.StartsWith("status:", StringComparison.Ordinal))
        {
            context.Response.StatusCode = int.Parse(mode[7..], System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsync("{\"error\":{\"message\":\"fake failure\",\"type\":\"server_error\"}}");
            return;
        }
        else if (mode == "hang")
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        else if (mode == "die-mid-stream")
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(FirstChunk + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;

        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            await StreamAsync(context, context.Request.Headers[StreamIdHeader].ToString());
            return;
        }

        await context.Response.WriteAsJsonAsync(new
        {
            model = root.GetProperty("model").GetString(),
            worker = BaseAddress.Authority,
            usage = new { prompt_tokens = 2, completion_tokens = 5, total_tokens = 7 },
            path = context.Request.Path.Value + context.Request.QueryString.Value,
            body,
            traceparent = context.Request.Headers["traceparent"].ToString(),
            forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString(),
            host = context.Request.Host.Value,
        }, context.RequestAborted);
    }

    private async Task StreamAsync(HttpContext context, string streamId)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(FirstChunk + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            // Generous, so a buffering gateway makes the test fail on its own shorter wait rather than pass late.
            await Gate(_releases, streamId).Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Gate(_aborts, streamId).TrySetResult();
            return;
        }
        await context.Response.WriteAsync("data: {\"chunk\":2}\n\ndata: [DONE]\n\n", context.RequestAborted);
    }
}
