namespace LlmServe.Worker.Engine.Scheduling;

/// <summary>How requests share each engine step.</summary>
internal sealed record SchedulerOptions
{
    /// <summary>Tokens one step may process across all requests (prefill chunks plus decodes).</summary>
    public int MaxNumBatchedTokens { get; init; } = 512;

    /// <summary>Requests running at once.</summary>
    public int MaxNumSeqs { get; init; } = 64;

    /// <summary>
    /// Chunks stop at the prompt's end, and generated tokens recomputed after preemption go one per step, as they were
    /// first computed: a batch-invariant engine then computes every position the same way whatever happened to it.
    /// </summary>
    public bool RecomputeAsDecoded { get; init; }

    /// <summary>"fcfs" (arrival order) or "priority" (lower value first, then arrival).</summary>
    public SchedulingPolicy Policy { get; init; } = SchedulingPolicy.Fcfs;
}

/// <summary>Order of the waiting queue and choice of preemption victims.</summary>
internal enum SchedulingPolicy
{
    Fcfs,
    Priority,
}
