namespace LlmServe.Agents;

/// <summary>One configured agent: its name (used in URLs), system instructions, sampling settings, tools and budgets.</summary>
internal sealed class AgentDefinition
{
    public string Name { get; set; } = "";

    public string Instructions { get; set; } = "";

    /// <summary>Answer length when a request gives no <c>max_tokens</c>.</summary>
    public int MaxTokens { get; set; } = 64;

    /// <summary>Sampling temperature; null leaves the model's default.</summary>
    public double? Temperature { get; set; }

    /// <summary>Tools the agent may call, by name (see <see cref="Tools.AgentTools"/>): calculator, clock, knowledge, or mcp:SERVER.</summary>
    public List<string> Tools { get; set; } = [];

    /// <summary>
    /// auto (the model decides) or required (the first model call must call a tool; Semantic Kernel then stops
    /// offering tools so the next call answers). Required suits small models that never choose a tool themselves.
    /// </summary>
    public string ToolChoice { get; set; } = "auto";

    /// <summary>Most model calls one invocation may make; the tool loop stops once they are spent.</summary>
    public int MaxSteps { get; set; } = 4;

    /// <summary>Wall-clock budget of one invocation, every model and tool call included; null uses the service's InvocationTimeout.</summary>
    public TimeSpan? TimeBudget { get; set; }
}
