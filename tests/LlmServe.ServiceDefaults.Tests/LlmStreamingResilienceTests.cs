using System.Net;
using System.Net.Sockets;
using Polly;

namespace LlmServe.ServiceDefaults.Tests;

public sealed class LlmStreamingResilienceTests
{
    [Fact]
    public void IsBeforeFirstByte_ConnectionRefused_IsRetried()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.True(LlmStreamingResilience.IsBeforeFirstByte(Outcome.FromException<HttpResponseMessage>(refused)));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void IsBeforeFirstByte_AnyResponse_IsNotRetried(HttpStatusCode status)
    {
        // A response means the server saw the request: replaying it could run a generation twice.
        using var response = new HttpResponseMessage(status);

        Assert.False(LlmStreamingResilience.IsBeforeFirstByte(Outcome.FromResult(response)));
    }

    [Fact]
    public void IsBeforeFirstByte_ResetWhileReadingResponse_IsNotRetried()
    {
        var midStream = new HttpRequestException(HttpRequestError.ResponseEnded, "ended");

        Assert.False(LlmStreamingResilience.IsBeforeFirstByte(Outcome.FromException<HttpResponseMessage>(midStream)));
    }

    [Fact]
    public void IsBeforeFirstByte_Timeout_IsNotRetried()
    {
        Assert.False(LlmStreamingResilience.IsBeforeFirstByte(Outcome.FromException<HttpResponseMessage>(new TaskCanceledException())));
    }
}
