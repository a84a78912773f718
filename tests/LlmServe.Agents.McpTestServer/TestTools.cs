using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace LlmServe.Agents.McpTestServer;

/// <summary>Tools with known answers, one that fails, one that is slow and one that ends the process, for the agents' MCP client tests.</summary>
[McpServerToolType]
public sealed class TestTools
{
    [McpServerTool(Name = "echo"), Description("Returns the text it is given, prefixed with the value of MCP_TEST_PREFIX.")]
    public static string Echo([Description("Text to return")] string text) =>
        $"{Environment.GetEnvironmentVariable("MCP_TEST_PREFIX")}{text}";

    [McpServerTool(Name = "add"), Description("Adds two integers.")]
    public static long Add([Description("First addend")] long a, [Description("Second addend")] long b) => a + b;

    // Only an McpException's message reaches the client; other exceptions become a generic error text.
    [McpServerTool(Name = "fail"), Description("Always fails.")]
    public static string Fail() => throw new McpException("the fail tool always fails");

    [McpServerTool(Name = "sleep"), Description("Waits the given number of milliseconds, then answers.")]
    public static async Task<string> SleepAsync([Description("Milliseconds to wait")] int milliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken);
        return "awake";
    }

    [McpServerTool(Name = "exit"), Description("Ends the server process, as a crash would.")]
    public static string Exit()
    {
        Environment.Exit(3);
        return "unreachable";
    }
}
