namespace LlmServe.Agents;

/// <summary>An MCP server reached over stdio (a command this service starts) or streamable HTTP (a URL).</summary>
internal sealed class McpServerDefinition
{
    public string Name { get; set; } = "";

    /// <summary>Program to start for a stdio server; null for an HTTP server.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    /// <summary>Endpoint of an HTTP server; null for a stdio server.</summary>
    public string? Url { get; set; }
}
