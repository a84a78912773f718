using LlmServe.Worker.Chat.ToolCalling;

namespace LlmServe.Worker.Tests.Chat.ToolCalling;

public sealed class ToolCallParserTests
{
    private static readonly string[] Names = ["get_weather", "add"];

    private static ParsedOutput Hermes(string text, bool parallel = true) => ToolCallParser.Parse(ToolCallFormat.Hermes, text, Names, parallel);

    private static ParsedOutput Llama(string text, bool parallel = true) => ToolCallParser.Parse(ToolCallFormat.Llama3Json, text, Names, parallel);

    [Fact]
    public void Hermes_OneBlock_IsOneCallWithTheArgumentsText()
    {
        var parsed = Hermes("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>");

        Assert.Null(parsed.Content);
        var call = Assert.Single(parsed.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("{\"city\": \"Paris\"}", call.Arguments);
    }

    [Fact]
    public void Hermes_TextThenTwoBlocks_KeepsTheTextAsContentAndBothCalls()
    {
        var parsed = Hermes("Let me check.\n<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":1}}</tool_call>\n<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":2}}</tool_call>");

        Assert.Equal("Let me check.", parsed.Content);
        Assert.Equal(["{\"a\":1}", "{\"a\":2}"], parsed.Calls.Select(c => c.Arguments));
    }

    [Fact]
    public void Hermes_ParallelOff_KeepsOnlyTheFirstCall()
    {
        var parsed = Hermes("<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":1}}</tool_call><tool_call>{\"name\":\"add\",\"arguments\":{}}</tool_call>", parallel: false);

        Assert.Equal("{\"a\":1}", Assert.Single(parsed.Calls).Arguments);
    }

    [Fact]
    public void Hermes_ArgumentsAsAJsonString_AreUnwrapped()
    {
        var parsed = Hermes("<tool_call>{\"name\":\"add\",\"arguments\":\"{\\\"a\\\":1}\"}</tool_call>");

        Assert.Equal("{\"a\":1}", Assert.Single(parsed.Calls).Arguments);
    }

    [Fact]
    public void Hermes_MissingClosingTag_StillParsesWholeJson()
    {
        Assert.Single(Hermes("<tool_call>{\"name\":\"add\",\"arguments\":{}}").Calls);
    }

    [Theory]
    [InlineData("<tool_call>{\"name\":\"add\",\"arguments\":{\"a\":</tool_call>")]         // broken JSON
    [InlineData("<tool_call>{\"name\":\"delete_all\",\"arguments\":{}}</tool_call>")]       // not an offered tool
    [InlineData("<tool_call>{\"name\":\"add\"}</tool_call>")]                              // no arguments
    [InlineData("<tool_call>{\"name\":\"add\",\"arguments\":[1]}</tool_call>")]            // arguments not an object
    [InlineData("<tool_call>{\"name\":\"add\",\"arguments\":{}}</tool_call> and then text")] // text after the calls
    [InlineData("Just an answer.")]
    public void Hermes_AnythingThatDoesNotFullyParse_IsAllContent(string text)
    {
        var parsed = Hermes(text);

        Assert.Empty(parsed.Calls);
        Assert.Equal(text, parsed.Content);
    }

    [Theory]
    [InlineData("{\"name\": \"add\", \"parameters\": {\"a\": 1}}")]
    [InlineData("<|python_tag|>{\"name\": \"add\", \"parameters\": {\"a\": 1}}")]
    [InlineData("  {\"name\": \"add\", \"arguments\": {\"a\": 1}}  ")]
    public void Llama_JsonMessage_IsOneCall(string text)
    {
        var call = Assert.Single(Llama(text).Calls);

        Assert.Equal("add", call.Name);
        Assert.Equal("{\"a\": 1}", call.Arguments);
    }

    [Fact]
    public void Llama_SemicolonSeparatedCalls_AreSeveralCalls()
    {
        var parsed = Llama("{\"name\":\"add\",\"parameters\":{\"a\":\"}\"}}; {\"name\":\"get_weather\",\"parameters\":{}}");

        Assert.Equal(["add", "get_weather"], parsed.Calls.Select(c => c.Name));
        Assert.Equal("{\"a\":\"}\"}", parsed.Calls[0].Arguments);
    }

    [Theory]
    [InlineData("The answer is {\"name\":\"add\",\"parameters\":{}}")]   // a call must be the whole message
    [InlineData("{\"name\":\"add\",\"parameters\":{}")]                  // not closed
    [InlineData("{\"temperature\": 20}")]                                // JSON, but not a call
    public void Llama_NotACallMessage_IsAllContent(string text)
    {
        var parsed = Llama(text);

        Assert.Empty(parsed.Calls);
        Assert.Equal(text, parsed.Content);
    }
}
