namespace LlmServe.Agents.Agents;

/// <summary>The outcome of one invocation: which agent and model answered, the final text and the steps taken.</summary>
internal sealed record AgentRun(string Agent, string Model, string Output, IReadOnlyList<AgentStep> Steps);
