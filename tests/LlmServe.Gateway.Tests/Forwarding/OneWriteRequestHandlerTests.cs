using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmServe.Gateway.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LlmServe.Gateway.Tests.Forwarding;

public sealed class OneWriteRequestHandlerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_ContentThatFlushesHeadersFirst_ReachesTheConnectionAsWritesThenOneFlush()
    {
        var connection = new RecordingStream();
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SerializingHandler(connection)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://worker/v1/completions")
        {
            Content = new HeadersFirstContent("{\"model\":\"m\"}"u8.ToArray(), flushEveryWrite: false),
        };

        using var response = await invoker.SendAsync(request, Cancellation);

        Assert.Equal(["write", "flush"], connection.Calls);
        Assert.Equal("{\"model\":\"m\"}", Encoding.UTF8.GetString(connection.Written.ToArray()));
    }

    [Fact]
    public async Task Send_ContentThatFlushesEveryChunk_StillFlushesAfterEachWrite()
    {
        var connection = new RecordingStream();
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SerializingHandler(connection)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://worker/v1/completions")
        {
            Content = new HeadersFirstContent("abcdef"u8.ToArray(), flushEveryWrite: true, chunk: 2),
        };

        using var response = await invoker.SendAsync(request, Cancellation);

        // Only the flush with nothing written is held back; a streaming body keeps its pace.
        Assert.Equal(["write", "flush", "write", "flush", "write", "flush", "flush"], connection.Calls);
        Assert.Equal("abcdef", Encoding.UTF8.GetString(connection.Written.ToArray()));
    }

    [Fact]
    public async Task Send_Always_KeepsTheContentHeadersAndLength()
    {
        HttpContent? sent = null;
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SerializingHandler(new RecordingStream(), c => sent = c)));
        var content = new HeadersFirstContent("12345"u8.ToArray(), flushEveryWrite: false);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        content.Headers.ContentLength = 5;
        content.Headers.TryAddWithoutValidation("Content-Encoding", "identity");
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://worker/v1/completions") { Content = content };

        using var response = await invoker.SendAsync(request, Cancellation);

        Assert.NotNull(sent);
        Assert.NotSame(content, sent);
        Assert.Equal("application/json; charset=utf-8", sent.Headers.ContentType?.ToString());
        Assert.Equal(5, sent.Headers.ContentLength);
        Assert.Equal(["identity"], sent.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Send_ContentWithoutLength_StaysWithoutLength()
    {
        HttpContent? sent = null;
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SerializingHandler(new RecordingStream(), c => sent = c)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://worker/v1/completions")
        {
            Content = new HeadersFirstContent("12345"u8.ToArray(), flushEveryWrite: false),
        };

        using var response = await invoker.SendAsync(request, Cancellation);

        // No declared length: HttpClient sends such a body chunked, as it would have sent the original.
        Assert.Null(sent?.Headers.ContentLength);
    }

    [Fact]
    public async Task Send_WithoutContent_PassesTheRequestThrough()
    {
        HttpRequestMessage? seen = null;
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SerializingHandler(new RecordingStream(), onRequest: r => seen = r)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://worker/v1/models");

        using var response = await invoker.SendAsync(request, Cancellation);

        Assert.Same(request, seen);
        Assert.Null(seen?.Content);
    }

    /// <summary>
    /// Through SocketsHttpHandler to a real Kestrel server over HTTP/1.1 and HTTP/2 (cleartext, prior knowledge), with a
    /// declared length and chunked: the body arrives whole whichever way the connection frames it.
    /// </summary>
    [Theory]
    [InlineData("1.1", true)]
    [InlineData("1.1", false)]
    [InlineData("2.0", true)]
    [InlineData("2.0", false)]
    public async Task Send_ToKestrel_BodyArrivesWhole(string version, bool declareLength)
    {
        var http2 = version == "2.0";
        await using var server = await StartEchoServerAsync(http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
        using var invoker = new HttpMessageInvoker(new OneWriteRequestHandler(new SocketsHttpHandler()));
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"model\":\"m\"} ", 700)));   // ~10 KB, past one write buffer
        var content = new HeadersFirstContent(body, flushEveryWrite: false, chunk: 1000);
        content.Headers.ContentLength = declareLength ? body.Length : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(server.Urls.First()), "/echo"))
        {
            Content = content,
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await invoker.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(http2 ? "HTTP/2" : "HTTP/1.1", response.Headers.GetValues("x-protocol").Single());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    private static async Task<WebApplication> StartEchoServerAsync(HttpProtocols protocols)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        var app = builder.Build();
        app.MapPost("/echo", async (HttpContext context) =>
        {
            context.Response.Headers["x-protocol"] = context.Request.Protocol;
            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync(Cancellation);
        return app;
    }

    /// <summary>Stands in for YARP's request content: flushes before the first byte (the headers), then copies the body.</summary>
    private sealed class HeadersFirstContent(byte[] body, bool flushEveryWrite, int? chunk = null) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            var size = chunk ?? body.Length;
            for (var offset = 0; offset < body.Length; offset += size)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)), cancellationToken);
                if (flushEveryWrite)
                {
                    await stream.FlushAsync(cancellationToken);
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    /// <summary>Serializes the content the way HttpClient's HTTP/1.1 connection does: copy, then one flush of its own.</summary>
    private sealed class SerializingHandler(RecordingStream connection, Action<HttpContent>? onContent = null, Action<HttpRequestMessage>? onRequest = null)
        : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onRequest?.Invoke(request);
            if (request.Content is { } content)
            {
                onContent?.Invoke(content);
                await content.CopyToAsync(connection, cancellationToken);
                await connection.FlushAsync(cancellationToken);
            }
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<string> Calls { get; } = [];

        public MemoryStream Written { get; } = new();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Calls.Add("write");
            Written.Write(buffer.Span);
            return default;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Calls.Add("flush");
            return Task.CompletedTask;
        }
    }
}
