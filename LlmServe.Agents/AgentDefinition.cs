namespace LlmServe.Agents;

/// <summary>One configured agent: its name (used in URLs), system instructions and sampling settings.</summary>
internal sealed class AgentDefinition
{
    public string Name { get; set; } = "";

    public string Instructions { get; set; } = "";

    /// <summary>Answer length when a request gives no <c>max_tokens</c>.</summary>
    public int MaxTokens { get; set; } = 64;

    /// <summary>Sampling temperature; null leaves the model's default.</summary>
    public double? Temperature { get; set; }
}
