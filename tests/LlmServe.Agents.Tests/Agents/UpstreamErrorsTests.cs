using LlmServe.Agents.Agents;

namespace LlmServe.Agents.Tests.Agents;

public sealed class UpstreamErrorsTests
{
    [Theory]
    [InlineData("{\"error\":{\"message\":\"overloaded\"}}", "overloaded")]
    [InlineData("plain failure", "plain failure")]
    [InlineData("", "fallback")]
    [InlineData(null, "fallback")]
    [InlineData("{\"error\":\"flat\"}", "{\"error\":\"flat\"}")]
    public void MessageFrom_Body_PrefersOpenAiErrorMessage(string? body, string expected) =>
        Assert.Equal(expected, UpstreamErrors.MessageFrom(body, "fallback"));
}
