using ModelContextProtocol.Client;

namespace LlmServe.Agents.Mcp;

/// <summary>A connected MCP server: its client and the tools it listed when it connected.</summary>
internal sealed record McpServerTools(string Server, McpClient Client, IReadOnlyList<McpClientTool> Tools);
