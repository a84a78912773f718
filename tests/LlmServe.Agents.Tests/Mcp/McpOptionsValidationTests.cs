namespace LlmServe.Agents.Tests.Mcp;

/// <summary>What the options validator accepts and rejects about MCP servers and the <c>mcp:</c> tool entries that use them.</summary>
public sealed class McpOptionsValidationTests
{
    [Theory]
    [InlineData("mcp:files")]
    [InlineData("mcp:FILES/read")]
    public void Validate_ToolsOfAConfiguredServer_Succeed(string tool) =>
        Assert.True(new AgentsOptionsValidator().Validate(null, Options(tool)).Succeeded);

    [Theory]
    [InlineData("mcp:other", "Agents[0].Tools lists 'mcp:other', but no MCP server named 'other' is configured.")]
    [InlineData("mcp:files/", "Agents[0].Tools lists 'mcp:files/'; known tools: calculator, clock, knowledge, mcp:SERVER or mcp:SERVER/TOOL.")]
    public void Validate_BadMcpToolEntry_FailsNamingIt(string tool, string expected) =>
        Assert.Equal([expected], new AgentsOptionsValidator().Validate(null, Options(tool)).Failures);

    [Theory]
    [InlineData("my-files", "dotnet", null, "McpServers[0].Name must be 1-64 letters, digits or '_'; got 'my-files'.")]
    [InlineData("files", null, null, "McpServers[0] must set exactly one of Command (stdio) and Url (HTTP).")]
    [InlineData("files", "dotnet", "http://files/mcp", "McpServers[0] must set exactly one of Command (stdio) and Url (HTTP).")]
    [InlineData("files", null, "files/mcp", "McpServers[0].Url must be an absolute http(s) URL; got 'files/mcp'.")]
    public void Validate_BadServer_FailsNamingIt(string name, string? command, string? url, string expected)
    {
        var options = Options();
        options.McpServers[0] = new McpServerDefinition { Name = name, Command = command, Url = url };

        Assert.Equal([expected], new AgentsOptionsValidator().Validate(null, options).Failures);
    }

    [Fact]
    public void Validate_HttpServer_Succeeds()
    {
        var options = Options("mcp:files");
        options.McpServers[0] = new McpServerDefinition { Name = "files", Url = "http://files/mcp" };

        Assert.True(new AgentsOptionsValidator().Validate(null, options).Succeeded);
    }

    private static AgentsOptions Options(params string[] tools) => new()
    {
        Agents = [new AgentDefinition { Name = "assistant", Instructions = "Help.", Tools = [.. tools] }],
        McpServers = [new McpServerDefinition { Name = "files", Command = "dotnet", Arguments = ["files.dll"] }],
    };
}
