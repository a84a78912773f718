using System.Text.Json;
using LlmServe.Rag.Apis;
using LlmServe.Rag.Generation;

namespace LlmServe.Rag.Tests.Apis;

public sealed class RagQueryParserTests
{
    [Theory]
    [InlineData("[]", null)]
    [InlineData("{}", "question")]
    [InlineData("{\"question\":null}", "question")]
    [InlineData("{\"question\":5}", "question")]
    [InlineData("{\"question\":\"  \"}", "question")]
    [InlineData("{\"question\":\"q\",\"top_k\":0}", "top_k")]
    [InlineData("{\"question\":\"q\",\"top_k\":21}", "top_k")]
    [InlineData("{\"question\":\"q\",\"top_k\":\"3\"}", "top_k")]
    [InlineData("{\"question\":\"q\",\"top_k\":2.5}", "top_k")]
    [InlineData("{\"question\":\"q\",\"max_tokens\":0}", "max_tokens")]
    [InlineData("{\"question\":\"q\",\"model\":\"\"}", "model")]
    [InlineData("{\"question\":\"q\",\"model\":7}", "model")]
    public void TryParse_InvalidBody_FailsNamingParam(string json, string? param)
    {
        Assert.False(RagQueryParser.TryParse(Parse(json), out _, out var error));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void TryParse_QuestionOverLimit_FailsOnQuestion()
    {
        var json = JsonSerializer.Serialize(new { question = new string('x', RagQueryParser.MaxQuestionLength + 1) });

        Assert.False(RagQueryParser.TryParse(Parse(json), out _, out var error));
        Assert.Equal("question", error.Param);
    }

    [Fact]
    public void TryParse_AllFields_ReturnsThem()
    {
        var json = "{\"question\":\"Why?\",\"top_k\":20,\"model\":\"m\",\"max_tokens\":1,\"extra\":true}";

        Assert.True(RagQueryParser.TryParse(Parse(json), out var query, out _));
        Assert.Equal(new RagQuery("Why?", 20, "m", 1), query);
    }

    [Fact]
    public void TryParse_NullOptionalFields_LeavesDefaults()
    {
        var json = "{\"question\":\"Why?\",\"top_k\":null,\"model\":null,\"max_tokens\":null}";

        Assert.True(RagQueryParser.TryParse(Parse(json), out var query, out _));
        Assert.Equal(new RagQuery("Why?"), query);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
