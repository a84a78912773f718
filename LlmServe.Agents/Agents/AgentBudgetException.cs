namespace LlmServe.Agents.Agents;

/// <summary>An invocation ran out of its time budget, or tried a model call past its step budget.</summary>
internal sealed class AgentBudgetException(string message, string code) : Exception(message)
{
    public const string TimeBudget = "time_budget_exceeded";
    public const string StepBudget = "step_budget_exceeded";

    public string Code { get; } = code;
}
