using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmServe.Gateway.Forwarding;

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
