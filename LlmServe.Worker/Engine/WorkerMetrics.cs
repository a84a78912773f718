using System.Diagnostics.Metrics;
using LlmServe.ServiceDefaults;

namespace LlmServe.Worker.Engine;

/// <summary>The replica's engine metrics (OpenTelemetry instruments on the "LlmServe.Worker" meter).</summary>
internal sealed class WorkerMetrics
{
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _e2eLatency;

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(TelemetryNames.Worker);
        _promptTokens = meter.CreateCounter<long>("llmserve.worker.prompt_tokens", "{token}", "Prompt tokens processed.");
        _generationTokens = meter.CreateCounter<long>("llmserve.worker.generation_tokens", "{token}", "Tokens generated.");
        _requests = meter.CreateCounter<long>("llmserve.worker.request_success", "{request}", "Requests finished.");
        _timeToFirstToken = meter.CreateHistogram<double>("llmserve.worker.time_to_first_token", "s", "Queue + prefill time to the first token.");
        _interTokenLatency = meter.CreateHistogram<double>("llmserve.worker.inter_token_latency", "s", "Time between output tokens.");
        _e2eLatency = meter.CreateHistogram<double>("llmserve.worker.e2e_request_latency", "s", "Arrival to last token.");
    }

    public void RecordToken(bool first, TimeSpan sinceLast) =>
        (first ? _timeToFirstToken : _interTokenLatency).Record(sinceLast.TotalSeconds);

    public void RecordRequest(int promptTokens, int generatedTokens, TimeSpan elapsed)
    {
        _promptTokens.Add(promptTokens);
        _generationTokens.Add(generatedTokens);
        _requests.Add(1);
        _e2eLatency.Record(elapsed.TotalSeconds);
    }
}
