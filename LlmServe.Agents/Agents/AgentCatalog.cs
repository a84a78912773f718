using Microsoft.Extensions.Options;

namespace LlmServe.Agents.Agents;

/// <summary>The configured agents, looked up by name without regard to case.</summary>
internal sealed class AgentCatalog(IOptions<AgentsOptions> options)
{
    public IReadOnlyList<AgentDefinition> All => options.Value.Agents;

    public AgentDefinition? Find(string name) =>
        options.Value.Agents.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
