namespace LlmServe.Worker;

/// <summary>Replica settings, from the command line (<c>--model</c>, <c>--served-model-name</c>, ...) or configuration.</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>A .gguf file (or, later, a Hugging Face folder or hub id).</summary>
    public string Model { get; set; } = "";

    /// <summary>The name clients put in <c>model</c>; defaults to the file name without extension.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>float32 or bfloat16.</summary>
    public string Dtype { get; set; } = "float32";

    /// <summary>Upper bound on prompt + output tokens; 0 means the model's own context length.</summary>
    public int MaxModelLen { get; set; }

    /// <summary>Tokens per KV-cache block.</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>Bytes of KV cache to allocate (vLLM's --kv-cache-memory-bytes).</summary>
    public long KvCacheMemoryBytes { get; set; } = 1L << 30;

    public bool EnablePrefixCaching { get; set; } = true;

    /// <summary>Requests running at once.</summary>
    public int MaxNumSeqs { get; set; } = 64;

    /// <summary>Token budget of one engine step (prefill chunks plus decodes).</summary>
    public int MaxNumBatchedTokens { get; set; } = 512;

    /// <summary>fcfs or priority.</summary>
    public string SchedulingPolicy { get; set; } = "fcfs";

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    public Engine.EngineOptions ToEngineOptions() => new()
    {
        BlockSize = BlockSize,
        KvCacheBytes = KvCacheMemoryBytes,
        EnablePrefixCaching = EnablePrefixCaching,
        Scheduler = new Engine.Scheduling.SchedulerOptions
        {
            MaxNumSeqs = MaxNumSeqs,
            MaxNumBatchedTokens = MaxNumBatchedTokens,
            Policy = SchedulingPolicy.Equals("priority", StringComparison.OrdinalIgnoreCase)
                ? Engine.Scheduling.SchedulingPolicy.Priority : Engine.Scheduling.SchedulingPolicy.Fcfs,
        },
    };

    public string ResolveServedName() =>
        !string.IsNullOrWhiteSpace(ServedModelName) ? ServedModelName : Path.GetFileNameWithoutExtension(Model.TrimEnd('/'));
}
