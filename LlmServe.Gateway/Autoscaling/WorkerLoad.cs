namespace LlmServe.Gateway.Autoscaling;

/// <summary>A worker's <c>GET /load</c>: <c>{running, waiting, kv_cache_usage, num_blocks}</c>.</summary>
public sealed record WorkerLoad(int Running, int Waiting, double KvCacheUsage, int NumBlocks);
