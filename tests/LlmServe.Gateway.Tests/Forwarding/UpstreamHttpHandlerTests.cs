using System.Net;
using LlmServe.Gateway.Forwarding;

namespace LlmServe.Gateway.Tests.Forwarding;

public sealed class UpstreamHttpHandlerTests
{
    [Fact]
    public void Create_Always_ConfiguresTransparentStreamingProxyHandler()
    {
        using var handler = UpstreamHttpHandler.Create();

        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.Equal(TimeSpan.FromSeconds(5), handler.ConnectTimeout);
        Assert.True(handler.EnableMultipleHttp2Connections);
        Assert.NotNull(handler.ActivityHeadersPropagator);
    }
}
