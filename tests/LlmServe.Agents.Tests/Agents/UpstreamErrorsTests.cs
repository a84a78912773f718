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

    [Theory]
    [InlineData("{\"error\":{\"message\":\"m\",\"code\":\"context_length_exceeded\"}}", "context_length_exceeded")]
    [InlineData("{\"error\":{\"message\":\"m\",\"code\":null}}", null)]
    [InlineData("{\"error\":{\"message\":\"m\",\"code\":429}}", null)]
    [InlineData("not json", null)]
    [InlineData(null, null)]
    public void CodeFrom_Body_ReadsTheOpenAiErrorCode(string? body, string? expected) =>
        Assert.Equal(expected, UpstreamErrors.CodeFrom(body));
}
