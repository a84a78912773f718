namespace LlmServe.Agents.Agents;

/// <summary>One step of an invocation (a model call today; tool calls later) and how long it took.</summary>
internal sealed record AgentStep(string Kind, double DurationMs)
{
    public const string ModelCall = "model_call";
}
