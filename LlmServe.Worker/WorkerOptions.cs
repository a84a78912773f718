namespace LlmServe.Worker;

/// <summary>Replica settings, from the command line (<c>--model</c>, <c>--served-model-name</c>, ...) or configuration.</summary>
internal sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// A .gguf file, a Hugging Face folder (BERT-family folders serve embeddings) or a hub id found in the hub
    /// cache; <c>sentence-transformers/all-MiniLM-L6-v2</c> is converted into the cache when absent.
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary>The Hugging Face hub cache (vLLM's --download-dir); null means $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub.</summary>
    public string? DownloadDir { get; set; }

    /// <summary>The name clients put in <c>model</c>; see <see cref="ResolveServedName"/> for the default.</summary>
    public string? ServedModelName { get; set; }

    /// <summary>auto (the checkpoint's own precision: float32 stays float32, bf16/f16/quantized run in bf16), float32 or bfloat16.</summary>
    public string Dtype { get; set; } = "auto";

    /// <summary>Upper bound on prompt + output tokens; 0 means the model's own context length.</summary>
    public int MaxModelLen { get; set; }

    /// <summary>
    /// Shards each layer is split over (vLLM's --tensor-parallel-size): one GPU each when the process sees that many,
    /// else CPU shards. It must divide the model's attention heads and FFN width.
    /// </summary>
    public int TensorParallelSize { get; set; } = 1;

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

    /// <summary>
    /// vLLM's --reasoning-parser (deepseek_r1, qwen3): chat responses split the model's thinking into <c>reasoning</c>
    /// (also as <c>reasoning_content</c>, its older name); none when empty.
    /// </summary>
    public string? ReasoningParser { get; set; }

    /// <summary>
    /// A request's output does not depend on what else is in its batch or how its prompt was chunked (vLLM's
    /// batch-invariant mode, on by default here): each position's kernels are pinned whatever else shares the step
    /// (see <c>LlamaModel.InvariantKernels</c>). It costs throughput under load (the GEMV kernels are slower than
    /// torch's GEMM beyond a few rows); <c>--no-batch-invariant</c> trades it back.
    /// </summary>
    public bool BatchInvariant { get; set; } = true;

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    public Engine.EngineOptions ToEngineOptions() => new()
    {
        BlockSize = BlockSize,
        KvCacheBytes = KvCacheMemoryBytes,
        EnablePrefixCaching = EnablePrefixCaching,
        BatchInvariant = BatchInvariant,
        Scheduler = new Engine.Scheduling.SchedulerOptions
        {
            MaxNumSeqs = MaxNumSeqs,
            MaxNumBatchedTokens = MaxNumBatchedTokens,
            Policy = SchedulingPolicy.Equals("priority", StringComparison.OrdinalIgnoreCase)
                ? Engine.Scheduling.SchedulingPolicy.Priority : Engine.Scheduling.SchedulingPolicy.Fcfs,
        },
    };

    /// <summary>The served name: as configured, else a file's name without extension, a folder's name, or the hub id itself (as vLLM does).</summary>
    public string ResolveServedName() =>
        !string.IsNullOrWhiteSpace(ServedModelName) ? ServedModelName
        : File.Exists(Model) ? Path.GetFileNameWithoutExtension(Model)
        : Directory.Exists(Model) ? Path.GetFileName(Model.TrimEnd('/'))
        : Model;
}
