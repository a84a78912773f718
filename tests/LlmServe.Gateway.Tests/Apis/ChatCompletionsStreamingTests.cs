using System.Net;
using System.Text;
using LlmServe.Gateway.Tests.Infrastructure;

namespace LlmServe.Gateway.Tests.Apis;

/// <summary>SSE through the gateway: chunks pass unbuffered and a client disconnect reaches the worker.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ChatCompletionsStreamingTests(GatewayFixture fixture)
{
    private const string Path = "/v1/chat/completions";

    /// <summary>How long one streaming step may take before the test fails (instead of hanging on the client timeout).</summary>
    private static readonly TimeSpan StreamStepTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static HttpRequestMessage StreamRequest(string streamId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new StringContent(
                """{"model":"echo-model","messages":[{"role":"user","content":"Once upon a time"}],"stream":true}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(FakeWorker.StreamIdHeader, streamId);
        return request;
    }

    [Fact]
    public async Task Post_Stream_FirstChunkArrivesBeforeWorkerFinishes()
    {
        var streamId = Guid.NewGuid().ToString("N");
        using var request = StreamRequest(streamId);
        // The worker is parked until Release, so a buffering gateway would deliver neither headers nor the first line.
        using var beforeRelease = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        beforeRelease.CancelAfter(StreamStepTimeout);

        using var response = await fixture.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, beforeRelease.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(beforeRelease.Token));
        Assert.Equal(FakeWorker.FirstChunk, await reader.ReadLineAsync(beforeRelease.Token));

        fixture.Worker.Release(streamId);
        var rest = await reader.ReadToEndAsync(Cancellation);
        Assert.Contains("data: {\"chunk\":2}", rest, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ClientDisconnectsMidStream_CancelsUpstreamRequest()
    {
        var streamId = Guid.NewGuid().ToString("N");
        using (var request = StreamRequest(streamId))
        {
            using var firstChunk = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            firstChunk.CancelAfter(StreamStepTimeout);
            using var response = await fixture.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, firstChunk.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(firstChunk.Token));
            Assert.Equal(FakeWorker.FirstChunk, await reader.ReadLineAsync(firstChunk.Token));
            // Disposing an unfinished response closes the connection: the client is gone.
        }

        await fixture.Worker.WhenAborted(streamId).WaitAsync(StreamStepTimeout, Cancellation);
    }
}
