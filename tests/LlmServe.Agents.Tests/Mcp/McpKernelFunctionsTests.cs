using System.Text.Json;
using LlmServe.Agents.Mcp;
using ModelContextProtocol.Protocol;

namespace LlmServe.Agents.Tests.Mcp;

public sealed class McpKernelFunctionsTests
{
    private static readonly JsonElement IntegerSchema = JsonDocument.Parse("""{"type":"integer"}""").RootElement;
    private static readonly JsonElement StringSchema = JsonDocument.Parse("""{"type":"string"}""").RootElement;

    [Fact]
    public void ToJsonValue_NumberTextForIntegerSchema_BecomesJsonNumber() =>
        Assert.Equal(7, Assert.IsType<JsonElement>(McpKernelFunctions.ToJsonValue("7", IntegerSchema)).GetInt32());

    [Fact]
    public void ToJsonValue_NumberTextForStringSchema_StaysText() =>
        Assert.Equal("7", McpKernelFunctions.ToJsonValue("7", StringSchema));

    [Fact]
    public void ToJsonValue_NotJsonForIntegerSchema_IsPassedOnForTheServerToReject() =>
        Assert.Equal("seven", McpKernelFunctions.ToJsonValue("seven", IntegerSchema));

    [Theory]
    [InlineData("get-weather", "get_weather")]
    [InlineData("files.read", "files_read")]
    [InlineData("add", "add")]
    public void FunctionName_ToolName_KeepsOnlyCharactersSemanticKernelAllows(string tool, string expected) =>
        Assert.Equal(expected, McpKernelFunctions.FunctionName(tool));

    [Fact]
    public void ResultText_TextBlocks_AreJoinedByLines() =>
        Assert.Equal("a\nb", McpKernelFunctions.ResultText(new CallToolResult
        {
            Content = [new TextContentBlock { Text = "a" }, new TextContentBlock { Text = "b" }],
        }));

    [Theory]
    [InlineData("mcp:files", "files", null)]
    [InlineData("mcp:files/read", "files", "read")]
    public void McpToolReference_Valid_Parses(string entry, string server, string? tool)
    {
        Assert.True(McpToolReference.TryParse(entry, out var reference));
        Assert.Equal(new McpToolReference(server, tool), reference);
    }

    [Theory]
    [InlineData("calculator")]
    [InlineData("mcp:")]
    [InlineData("mcp:files/")]
    [InlineData("mcp:/read")]
    public void McpToolReference_Invalid_DoesNotParse(string entry) =>
        Assert.False(McpToolReference.TryParse(entry, out _));
}
