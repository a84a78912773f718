namespace LlmServe.Agents.Mcp;

/// <summary>An MCP server an agent needs could not be reached, or lacks a tool the agent names; the request gets a 503.</summary>
internal sealed class McpServerUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
