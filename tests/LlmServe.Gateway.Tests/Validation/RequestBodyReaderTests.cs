using System.Text;
using System.Text.Json;
using LlmServe.Gateway.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.Gateway.Tests.Validation;

public sealed class RequestBodyReaderTests
{
    [Fact]
    public async Task ReadAsync_ValidJson_ParsesAndRewindsBody()
    {
        const string json = """{"model":"m","prompt":"héllo"}""";
        var context = CreateContext(Encoding.UTF8.GetBytes(json), declareLength: true);

        var result = await RequestBodyReader.ReadAsync(context.Request, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        using var document = result.Document;
        Assert.Equal("m", document.RootElement.GetProperty("model").GetString());
        Assert.Equal(0, context.Request.Body.Position);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        Assert.Equal(json, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public async Task ReadAsync_DeclaredLengthSmallOrLarge_ParsesAndRewindsBody(int promptLength)
    {
        // Small bodies are read into one array, larger ones through the buffering stream: both forward the same bytes.
        var json = "{\"model\":\"m\",\"prompt\":\"" + new string('x', promptLength) + "\"}";
        var context = CreateContext(Encoding.UTF8.GetBytes(json), declareLength: true);

        var result = await RequestBodyReader.ReadAsync(context.Request, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        using var document = result.Document;
        Assert.Equal(promptLength, document.RootElement.GetProperty("prompt").GetString()!.Length);
        Assert.Equal(0, context.Request.Body.Position);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        Assert.Equal(json, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadAsync_BodyShorterThanDeclared_Returns400()
    {
        var context = CreateContext(Encoding.UTF8.GetBytes("{\"model\":\"m\"}"), declareLength: false);
        context.Request.ContentLength = 100;

        var result = await RequestBodyReader.ReadAsync(context.Request, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        var (status, error) = await ExecuteAsync(result.Error);
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal("incomplete_body", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"model\":}")]
    [InlineData("not json")]
    public async Task ReadAsync_MalformedJson_Returns400(string body)
    {
        var context = CreateContext(Encoding.UTF8.GetBytes(body), declareLength: true);

        var result = await RequestBodyReader.ReadAsync(context.Request, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        var (status, error) = await ExecuteAsync(result.Error);
        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyOverLimit_Returns413(bool declareLength)
    {
        // A syntactically open JSON string so the parser keeps reading until the limit stops it.
        var body = new byte[RequestBodyReader.MaxBodyBytes + 1];
        Array.Fill(body, (byte)'a');
        "{\"model\":\""u8.CopyTo(body);
        var context = CreateContext(body, declareLength);

        var result = await RequestBodyReader.ReadAsync(context.Request, TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        var (status, error) = await ExecuteAsync(result.Error);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, status);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    private static DefaultHttpContext CreateContext(byte[] body, bool declareLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        // Like a server's request stream: not seekable, so EnableBuffering really buffers (and enforces its limit).
        context.Request.Body = new NonSeekableStream(new MemoryStream(body));
        context.Request.ContentLength = declareLength ? body.Length : null;
        return context;
    }

    private static async Task<(int Status, JsonElement Error)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        var output = new MemoryStream();
        context.Response.Body = output;
        await result.ExecuteAsync(context);
        using var document = JsonDocument.Parse(output.ToArray());
        return (context.Response.StatusCode, document.RootElement.GetProperty("error").Clone());
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
