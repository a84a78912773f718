using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using LlmServe.ServiceDefaults;
using LlmServe.Worker.Engine.Metrics;

namespace LlmServe.Worker.Engine;

/// <summary>
/// Engine metrics under vLLM's Prometheus names (<c>vllm:num_requests_running</c>, ...) so existing dashboards,
/// KEDA scalers and routers work unchanged, mirrored as OpenTelemetry instruments on the "LlmServe.Worker" meter
/// (OpenTelemetry names cannot contain ':').
/// </summary>
internal sealed class WorkerMetrics
{
    private static readonly double[] LatencyBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];

    private readonly PrometheusHistogram _ttft = new("vllm:time_to_first_token_seconds", "Time to first token in seconds.", LatencyBuckets);
    private readonly PrometheusHistogram _itl = new("vllm:inter_token_latency_seconds", "Time between output tokens in seconds.", LatencyBuckets);
    private readonly PrometheusHistogram _e2e = new("vllm:e2e_request_latency_seconds", "End-to-end request latency in seconds.", LatencyBuckets);
    private readonly ConcurrentDictionary<string, long> _success = new();
    private readonly Counter<long> _promptCounter;
    private readonly Counter<long> _generationCounter;
    private readonly Histogram<double> _ttftHistogram;
    private readonly Histogram<double> _itlHistogram;
    private long _promptTokens;
    private long _generationTokens;
    private long _iterationTokens;
    private EngineLoad _load = new(0, 0, 0, 0, 0, 0);

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(TelemetryNames.Worker);
        _promptCounter = meter.CreateCounter<long>("llmserve.worker.prompt_tokens", "{token}", "Prompt tokens processed.");
        _generationCounter = meter.CreateCounter<long>("llmserve.worker.generation_tokens", "{token}", "Tokens generated.");
        _ttftHistogram = meter.CreateHistogram<double>("llmserve.worker.time_to_first_token", "s", "Time to the first token.");
        _itlHistogram = meter.CreateHistogram<double>("llmserve.worker.inter_token_latency", "s", "Time between output tokens.");
        meter.CreateObservableGauge("llmserve.worker.num_requests_running", () => _load.Running, "{request}");
        meter.CreateObservableGauge("llmserve.worker.num_requests_waiting", () => _load.Waiting, "{request}");
        meter.CreateObservableGauge("llmserve.worker.kv_cache_usage", () => _load.KvCacheUsage, "1");
    }

    /// <summary>The <c>model_name</c> label, as vLLM sets it.</summary>
    public string ModelName { get; set; } = "";

    public void RecordToken(bool first, TimeSpan sinceLast)
    {
        (first ? _ttft : _itl).Observe(sinceLast.TotalSeconds);
        (first ? _ttftHistogram : _itlHistogram).Record(sinceLast.TotalSeconds);
    }

    public void RecordRequest(int promptTokens, int generatedTokens, FinishReason reason, TimeSpan elapsed)
    {
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _generationTokens, generatedTokens);
        _promptCounter.Add(promptTokens);
        _generationCounter.Add(generatedTokens);
        _success.AddOrUpdate(reason.ToWire(), 1, (_, n) => n + 1);
        _e2e.Observe(elapsed.TotalSeconds);
    }

    public void RecordStep(int tokens) => Interlocked.Add(ref _iterationTokens, tokens);

    public void ObserveLoad(EngineLoad load) => _load = load;

    public string RenderPrometheus()
    {
        var labels = $"model_name=\"{ModelName}\"";
        var load = _load;
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, double value, string? extra = null)
        {
            sb.Append("# HELP ").Append(name).Append(' ').AppendLine(help);
            sb.Append("# TYPE ").Append(name).Append(' ').AppendLine(type);
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}{extra}}} {value}\n");
        }
        Metric("vllm:num_requests_running", "gauge", "Requests in model execution batches.", load.Running);
        Metric("vllm:num_requests_waiting", "gauge", "Requests waiting to be processed.", load.Waiting);
        Metric("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", load.KvCacheUsage);
        Metric("vllm:prefix_cache_queries_total", "counter", "Prefix cache queries, in tokens.", load.PrefixQueries);
        Metric("vllm:prefix_cache_hits_total", "counter", "Prefix cache hits, in tokens.", load.PrefixHits);
        Metric("vllm:num_preemptions_total", "counter", "Cumulative number of preemptions.", load.Preemptions);
        Metric("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", Interlocked.Read(ref _promptTokens));
        Metric("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", Interlocked.Read(ref _generationTokens));
        Metric("vllm:iteration_tokens_total", "counter", "Tokens processed by engine steps.", Interlocked.Read(ref _iterationTokens));
        sb.AppendLine("# HELP vllm:request_success_total Count of finished requests by finish reason.");
        sb.AppendLine("# TYPE vllm:request_success_total counter");
        foreach (var (reason, count) in _success.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"vllm:request_success_total{{{labels},finished_reason=\"{reason}\"}} {count}\n");
        }
        _ttft.Render(sb, labels);
        _itl.Render(sb, labels);
        _e2e.Render(sb, labels);
        return sb.ToString();
    }
}
