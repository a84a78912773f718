using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using SemanticKernel = Microsoft.SemanticKernel.Kernel;

namespace LlmServe.Agents.Tools;

/// <summary>
/// The tools an agent can be given, by the names its configuration lists. Only the knowledge tool does I/O, and
/// only to the configured Rag service; the calculator and the clock touch neither network nor files.
/// </summary>
internal sealed class AgentTools(IHttpClientFactory httpClients, IOptions<AgentsOptions> options, TimeProvider clock)
{
    public const string Calculator = "calculator";
    public const string Clock = "clock";
    public const string Knowledge = "knowledge";

    public static readonly string[] Names = [Calculator, Clock, Knowledge];

    public void AddTo(SemanticKernel kernel, AgentDefinition agent)
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
                default:
                    // The options validator rejects unknown names at startup.
                    throw new InvalidOperationException($"Unknown tool '{name}'.");
            }
        }
    }
}
