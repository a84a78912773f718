namespace LlmServe.Worker.Engine;

/// <summary>What routers and autoscalers read: running and waiting requests, KV usage, cache and preemption counters.</summary>
internal sealed record EngineLoad(int Running, int Waiting, double KvCacheUsage, long PrefixQueries, long PrefixHits, long Preemptions);
