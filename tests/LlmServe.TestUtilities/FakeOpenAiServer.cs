using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmServe.TestUtilities;

/// <summary>
/// A test double of the gateway (for the Rag and Agents unit tests): a real Kestrel server on a loopback port that records every request and answers
/// with a fixed OpenAI chat completion (or a configured error).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string AnswerText = "Each request keeps a block table that maps logical blocks to physical blocks [1].";
    public const string ServedModel = "stories260K";

    public static readonly string DefaultCompletion = JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = ServedModel,
        choices = new[] { new { index = 0, message = new { role = "assistant", content = AnswerText }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 120, completion_tokens = 9, total_tokens = 129 },
    });

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>Base URL such as <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int ResponseStatus { get; set; } = StatusCodes.Status200OK;

    public string ResponseBody { get; set; } = DefaultCompletion;

    /// <summary>When set, the body of each answer is computed from the request instead of <see cref="ResponseBody"/>.</summary>
    public Func<RecordedRequest, string>? Responder { get; set; }

    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        server.BaseUrl = addresses?.Addresses.Single() ?? throw new InvalidOperationException("Kestrel reported no address.");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new RecordedRequest(
            context.Request.Method, context.Request.Path, context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, body);
        _requests.Enqueue(request);
        context.Response.StatusCode = ResponseStatus;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Responder?.Invoke(request) ?? ResponseBody, context.RequestAborted);
    }
}
