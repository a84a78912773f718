using LlmServe.Agents.Mcp;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SemanticKernel = Microsoft.SemanticKernel.Kernel;

namespace LlmServe.Agents.Tools;

/// <summary>
/// The tools an agent can be given, by the names its configuration lists. Only the knowledge tool does I/O, and
/// only to the configured Rag service; the calculator and the clock touch neither network nor files. MCP tools
/// (<c>mcp:SERVER</c>, <c>mcp:SERVER/TOOL</c>) run in the configured MCP servers.
/// </summary>
internal sealed class AgentTools(IHttpClientFactory httpClients, IOptions<AgentsOptions> options, TimeProvider clock, McpServerConnections mcp)
{
    public const string Calculator = "calculator";
    public const string Clock = "clock";
    public const string Knowledge = "knowledge";

    public static readonly string[] Names = [Calculator, Clock, Knowledge];

    /// <summary>Adds the agent's tools; throws <see cref="McpServerUnavailableException"/> when an MCP server it needs is down.</summary>
    public async Task AddToAsync(SemanticKernel kernel, AgentDefinition agent, CancellationToken cancellationToken)
    {
        foreach (var name in agent.Tools)
        {
            switch (name)
            {
                case Calculator:
                    kernel.Plugins.AddFromObject(new CalculatorPlugin(), Calculator);
                    break;
                case Clock:
                    kernel.Plugins.AddFromObject(new ClockPlugin(clock), Clock);
                    break;
                case Knowledge:
                    var rag = httpClients.CreateClient(KnowledgePlugin.HttpClientName);
                    rag.BaseAddress = new Uri(options.Value.RagUrl);
                    kernel.Plugins.AddFromObject(new KnowledgePlugin(rag, agent.MaxTokens), Knowledge);
                    break;
                case var entry when McpToolReference.TryParse(entry, out var reference):
                    await AddMcpToolsAsync(kernel, reference, cancellationToken);
                    break;
                default:
                    // The options validator rejects unknown names at startup.
                    throw new InvalidOperationException($"Unknown tool '{name}'.");
            }
        }
    }

    private async Task AddMcpToolsAsync(SemanticKernel kernel, McpToolReference reference, CancellationToken cancellationToken)
    {
        var server = await mcp.GetToolsAsync(reference.Server, cancellationToken);
        var tools = reference.Tool is null ? server.Tools : server.Tools.Where(t => t.Name == reference.Tool).ToList();
        if (tools.Count == 0)
        {
            throw new McpServerUnavailableException(reference.Tool is null
                ? $"MCP server `{server.Server}` lists no tools."
                : $"MCP server `{server.Server}` has no tool `{reference.Tool}`; it lists: {string.Join(", ", server.Tools.Select(t => t.Name))}.");
        }
        // Two entries for the same server (mcp:s/a and mcp:s/b) share one plugin.
        if (kernel.Plugins.TryGetPlugin(server.Server, out var existing))
        {
            kernel.Plugins.Remove(existing);
            tools = [.. tools.Where(t => !existing.Contains(McpKernelFunctions.FunctionName(t.Name)))];
            kernel.Plugins.Add(KernelPluginFactory.CreateFromFunctions(server.Server, existing.Description,
                [.. existing, .. tools.Select(t => McpKernelFunctions.Create(server.Client, t))]));
            return;
        }
        kernel.Plugins.Add(McpKernelFunctions.CreatePlugin(server, tools));
    }
}
