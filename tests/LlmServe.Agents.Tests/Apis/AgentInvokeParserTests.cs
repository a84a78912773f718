using System.Text.Json;
using LlmServe.Agents.Apis;

namespace LlmServe.Agents.Tests.Apis;

public sealed class AgentInvokeParserTests
{
    [Theory]
    [InlineData("[]", null)]
    [InlineData("{}", "input")]
    [InlineData("{\"input\":null}", "input")]
    [InlineData("{\"input\":[\"a\"]}", "input")]
    [InlineData("{\"input\":\" \"}", "input")]
    [InlineData("{\"input\":\"x\",\"max_tokens\":-3}", "max_tokens")]
    [InlineData("{\"input\":\"x\",\"max_tokens\":1.5}", "max_tokens")]
    public void TryParse_InvalidBody_FailsNamingParam(string json, string? param)
    {
        Assert.False(AgentInvokeParser.TryParse(Parse(json), out _, out var error));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void TryParse_InputOverLimit_FailsOnInput()
    {
        var json = JsonSerializer.Serialize(new { input = new string('x', AgentInvokeParser.MaxInputLength + 1) });

        Assert.False(AgentInvokeParser.TryParse(Parse(json), out _, out var error));
        Assert.Equal("input", error.Param);
    }

    [Theory]
    [InlineData("{\"input\":\"hi\"}", null)]
    [InlineData("{\"input\":\"hi\",\"max_tokens\":null}", null)]
    [InlineData("{\"input\":\"hi\",\"max_tokens\":12,\"other\":1}", 12)]
    public void TryParse_ValidBody_ReturnsRequest(string json, int? maxTokens)
    {
        Assert.True(AgentInvokeParser.TryParse(Parse(json), out var request, out _));
        Assert.Equal(new AgentInvokeRequest("hi", maxTokens), request);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
