using System.Diagnostics;

namespace LlmServe.Agents.Agents;

/// <summary>
/// The state of one running invocation, visible to the model-call handler and the tool filter through an async
/// local: the steps taken so far and the step budget.
/// </summary>
internal sealed class AgentInvocation(AgentDefinition agent, int maxToolResultChars, TimeSpan toolTimeout)
{
    private static readonly AsyncLocal<AgentInvocation?> CurrentInvocation = new();
    private readonly List<AgentStep> _steps = [];
    private readonly Lock _gate = new();

    public static AgentInvocation? Current => CurrentInvocation.Value;

    public AgentDefinition Agent => agent;

    public int MaxToolResultChars => maxToolResultChars;

    public TimeSpan ToolTimeout => toolTimeout;

    /// <summary>Told of each step as it starts and ends (a streaming request); null when nobody watches.</summary>
    public Action<AgentRunEvent>? Observer { get; init; }

    /// <summary>True once the tool loop was stopped because the model calls were spent.</summary>
    public bool StepLimitReached { get; set; }

    public int ModelCalls { get { lock (_gate) { return _steps.Count(s => s.Kind == AgentStep.ModelCall); } } }

    public IReadOnlyList<AgentStep> Steps { get { lock (_gate) { return [.. _steps]; } } }

    /// <summary>Makes this the current invocation for the calling async flow until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        var previous = CurrentInvocation.Value;
        CurrentInvocation.Value = this;
        return new Scope(() => CurrentInvocation.Value = previous);
    }

    /// <summary>Claims the next model call; false when the budget is spent.</summary>
    public bool TryStartModelCall(out int index)
    {
        lock (_gate)
        {
            index = _steps.Count;
            if (_steps.Count(s => s.Kind == AgentStep.ModelCall) >= agent.MaxSteps)
            {
                return false;
            }
            _steps.Add(new AgentStep(AgentStep.ModelCall, 0));
        }
        Observer?.Invoke(new AgentRunEvent(AgentRunEvent.ModelCallStarted, index));
        return true;
    }

    public void Complete(int index, long startedTimestamp, bool failed)
    {
        var duration = Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        lock (_gate)
        {
            _steps[index] = _steps[index] with { DurationMs = duration, Failed = failed };
        }
        Observer?.Invoke(new AgentRunEvent(AgentRunEvent.ModelCallCompleted, index, duration, Failed: failed));
    }

    public void AddToolCall(string tool, string arguments, long startedTimestamp, bool failed, string result)
    {
        var duration = Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        int index;
        lock (_gate)
        {
            index = _steps.Count;
            _steps.Add(new AgentStep(AgentStep.ToolCall, duration, tool, failed, result));
        }
        Observer?.Invoke(new AgentRunEvent(AgentRunEvent.ToolCallCompleted, index, duration, tool, arguments, failed, result));
    }

    private sealed class Scope(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
