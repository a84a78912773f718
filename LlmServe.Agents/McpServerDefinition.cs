namespace LlmServe.Agents;

/// <summary>An MCP server reached over stdio (a command this service starts) or HTTP (a URL: streamable HTTP, or SSE).</summary>
internal sealed class McpServerDefinition
{
    /// <summary>Name agents use in <c>mcp:NAME</c>; also the prefix of its tools' names (<c>NAME-TOOL</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Program to start for a stdio server; null for an HTTP server.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    /// <summary>Variables added to the stdio server's environment (it inherits this service's as well).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Endpoint of an HTTP server; null for a stdio server.</summary>
    public string? Url { get; set; }
}
