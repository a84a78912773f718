namespace LlmServe.Agents.Agents;

/// <summary>
/// The outcome of one invocation: which agent and model answered, the final text, the steps taken, and why it
/// stopped (<see cref="Completed"/>, or <see cref="StepLimit"/> when the step budget ended the tool loop).
/// </summary>
internal sealed record AgentRun(string Agent, string Model, string Output, IReadOnlyList<AgentStep> Steps, string StopReason = AgentRun.Completed)
{
    public const string Completed = "completed";
    public const string StepLimit = "step_limit";
}
