using LlmServe.Worker.Engine.Scheduling;

namespace LlmServe.Worker.Engine;

/// <summary>Engine sizing: KV blocks, memory budget, prefix caching, batch invariance and the scheduler's limits.</summary>
internal sealed record EngineOptions
{
    public int BlockSize { get; init; } = 16;

    /// <summary>Bytes of KV cache to allocate; the block count follows from the model's shape.</summary>
    public long KvCacheBytes { get; init; } = 1L << 30;

    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>Pins each row's linear kernel by the kind of position it is (see <c>WorkerOptions.BatchInvariant</c>).</summary>
    public bool BatchInvariant { get; init; } = true;

    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Blocks that fit the budget, at least enough for one full-length sequence, at most what every slot could use.</summary>
    public int NumBlocks(long bytesPerSlot, int maxModelLen)
    {
        var perBlock = bytesPerSlot * BlockSize;
        var minimum = (maxModelLen + BlockSize - 1) / BlockSize + 1;
        var maximum = (long)Scheduler.MaxNumSeqs * ((maxModelLen + BlockSize - 1) / BlockSize) + 1;
        return (int)Math.Clamp(KvCacheBytes / perBlock, minimum, Math.Max(minimum, maximum));
    }
}
