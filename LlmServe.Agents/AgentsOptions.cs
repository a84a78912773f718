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
}
