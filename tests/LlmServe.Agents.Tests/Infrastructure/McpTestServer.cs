using System.Reflection;

namespace LlmServe.Agents.Tests.Infrastructure;

/// <summary>Where the test MCP server (a stdio console app built with these tests) is, and settings that register it.</summary>
internal static class McpTestServer
{
    public const string Name = "mcptest";
    public const string Prefix = "from-env:";

    public static string AssemblyPath { get; } = typeof(McpTestServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "McpTestServerPath").Value!;

    /// <summary>The server as an <c>McpServers</c> entry: started as <c>dotnet SERVER.dll</c>, with a variable its echo tool reads.</summary>
    public static McpServerDefinition Definition() => new()
    {
        Name = Name,
        Command = "dotnet",
        Arguments = [AssemblyPath],
        Environment = new() { ["MCP_TEST_PREFIX"] = Prefix },
    };

    /// <summary>The same as configuration keys for <see cref="AgentsAppFactory"/>, at index <paramref name="index"/>.</summary>
    public static Dictionary<string, string?> Settings(int index = 0, string name = Name, string command = "dotnet") => new()
    {
        [$"Agents:McpServers:{index}:Name"] = name,
        [$"Agents:McpServers:{index}:Command"] = command,
        [$"Agents:McpServers:{index}:Arguments:0"] = AssemblyPath,
        [$"Agents:McpServers:{index}:Environment:MCP_TEST_PREFIX"] = Prefix,
    };
}
