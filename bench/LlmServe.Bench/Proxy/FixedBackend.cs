using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Text;

namespace LlmServe.Bench.Proxy;

/// <summary>
/// The upstream for the proxy benchmark: a minimal Kestrel app answering every completion request with the same
/// small chat completion, so the figures measure the proxies, not a model.
/// </summary>
internal static class FixedBackend
{
    public const string ModelName = "bench";

    private static readonly byte[] Response = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fixed backend."},"finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":6,"total_tokens":14}}""");

    public static async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", Answer);
        app.MapPost("/v1/completions", Answer);
        app.MapGet("/health", () => Results.Ok());
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }

    private static async Task Answer(HttpContext context)
    {
        // Read the body like a real server would, then answer from a cached buffer.
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Response.Length;
        await context.Response.Body.WriteAsync(Response, context.RequestAborted);
    }
}
