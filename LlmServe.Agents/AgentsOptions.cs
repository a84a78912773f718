namespace LlmServe.Agents;

/// <summary>Settings of the agents service, bound from the <c>Agents</c> configuration section.</summary>
internal sealed class AgentsOptions
{
    public const string SectionName = "Agents";

    /// <summary>Base URL of the OpenAI-compatible gateway; service discovery resolves logical names.</summary>
    public string GatewayUrl { get; set; } = "http://gateway";

    /// <summary>Bearer key sent to the gateway; null sends a placeholder, since the OpenAI client insists on one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Model every agent talks to.</summary>
    public string Model { get; set; } = "default";

    /// <summary>
    /// The agents this service hosts. The defaults live in appsettings.json, not here: the configuration binder
    /// appends to a non-empty list, so a default in code would survive every override.
    /// </summary>
    public List<AgentDefinition> Agents { get; set; } = [];

    /// <summary>Bound on one invocation, all model calls included.</summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Base URL of the Rag service, the only place the knowledge tool may reach.</summary>
    public string RagUrl { get; set; } = "http://rag";

    /// <summary>Bound on one tool call; a tool that takes longer fails, and the model is told so.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest tool result handed back to the model, in characters; longer results are cut.</summary>
    public int MaxToolResultChars { get; set; } = 4000;

    /// <summary>MCP servers whose tools agents may list as <c>mcp:NAME</c>; none unless configured.</summary>
    public List<McpServerDefinition> McpServers { get; set; } = [];

    /// <summary>Bound on connecting to one MCP server and listing its tools.</summary>
    public TimeSpan McpConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Least time between two connection attempts to an MCP server that is down.</summary>
    public TimeSpan McpRetryInterval { get; set; } = TimeSpan.FromSeconds(15);
}
