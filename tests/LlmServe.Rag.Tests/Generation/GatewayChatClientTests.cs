using LlmServe.Rag.Generation;

namespace LlmServe.Rag.Tests.Generation;

public sealed class GatewayChatClientTests
{
    [Theory]
    [InlineData("{\"error\":{\"message\":\"no replica\",\"type\":\"service_unavailable\"}}", "Service Unavailable", "no replica")]
    [InlineData("upstream exploded", "Bad Gateway", "upstream exploded")]
    [InlineData("", "Bad Gateway", "Bad Gateway")]
    [InlineData("{\"detail\":\"x\"}", null, "{\"detail\":\"x\"}")]
    public void UpstreamMessage_Body_PrefersOpenAiErrorMessage(string body, string? reason, string expected) =>
        Assert.Equal(expected, GatewayChatClient.UpstreamMessage(body, reason));
}
