using LlmServe.Agents.Agents;

namespace LlmServe.Agents.Apis;

/// <summary>The services the agent endpoints use, injected as one <c>[AsParameters]</c> bundle.</summary>
internal sealed class AgentsServices(AgentCatalog catalog, ChatAgentRunner runner, ILogger<AgentsServices> logger)
{
    public AgentCatalog Catalog { get; } = catalog;

    public ChatAgentRunner Runner { get; } = runner;

    public ILogger<AgentsServices> Logger { get; } = logger;
}
