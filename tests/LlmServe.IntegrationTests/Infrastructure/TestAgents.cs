using System.Reflection;

namespace LlmServe.IntegrationTests.Infrastructure;

/// <summary>
/// Agents the tests add to the agents service's configuration (after the ones in its appsettings.json). The model is
/// tiny, so calls are forced (tool_choice required) and sampling is greedy, which makes every run the same.
/// </summary>
internal static class TestAgents
{
    public const string Clock = "test-clock";
    public const string OneStep = "test-one-step";
    public const string Hurried = "test-hurried";
    public const string Calculator = "test-calculator";
    public const string Mcp = "test-mcp";

    /// <summary>The stdio MCP test server (built with these tests) as the agents service's MCP server of this name.</summary>
    public const string McpServer = "mcptest";

    private const int FirstIndex = 10;

    public static IEnumerable<(string Key, string Value)> Settings =>
        Agent(0, Clock, "clock") .Concat(Agent(1, OneStep, "clock", ("MaxSteps", "1")))
            .Concat(Agent(2, Hurried, "clock", ("TimeBudget", "00:00:00.001")))
            .Concat(Agent(3, Calculator, "calculator"))
            .Concat(Agent(4, Mcp, $"mcp:{McpServer}/add"))
            .Concat(McpServerSettings());

    private static IEnumerable<(string, string)> McpServerSettings()
    {
        var path = typeof(TestAgents).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "McpTestServerPath").Value!;
        yield return ("Agents__McpServers__0__Name", McpServer);
        yield return ("Agents__McpServers__0__Command", "dotnet");
        yield return ("Agents__McpServers__0__Arguments__0", path);
    }

    private static IEnumerable<(string, string)> Agent(int offset, string name, string tool, params (string Key, string Value)[] extra)
    {
        var prefix = $"Agents__Agents__{FirstIndex + offset}__";
        yield return (prefix + "Name", name);
        yield return (prefix + "Instructions", "Use the tool, then answer.");
        yield return (prefix + "MaxTokens", "400");   // a forced call spends tokens on its JSON wrapper
        yield return (prefix + "Temperature", "0");
        yield return (prefix + "ToolChoice", "required");
        yield return (prefix + "Tools__0", tool);
        foreach (var (key, value) in extra)
        {
            yield return (prefix + key, value);
        }
    }
}
