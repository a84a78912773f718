using System.Diagnostics.Metrics;
using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments. Only requests that reached a replica are counted here (validation and unknown-model
/// rejections never touch a worker and show up in the ASP.NET Core request metrics instead).
/// </summary>
internal sealed class GatewayMetrics
{
    /// <summary>
    /// From a fast embedding call to a long streamed generation; the default buckets (0-10000) assume milliseconds.
    /// </summary>
    private static readonly double[] DurationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _ongoing;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _ttft;
    private readonly Counter<long> _rejected;

    public GatewayMetrics(IMeterFactory meterFactory, AdmissionQueues? queues = null, ReplicaStateStore? replicas = null, TimeProvider? time = null)
    {
        var meter = meterFactory.Create(GatewayTelemetry.SourceName);
        _requests = meter.CreateCounter<long>(GatewayTelemetry.RequestsTotal, "{request}",
            "Requests forwarded to a replica, by deployment, replica and status class.");
        _duration = meter.CreateHistogram<double>(GatewayTelemetry.RequestDuration, "s",
            "Time from routing a request until its response (including a whole stream) completed.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _ongoing = meter.CreateUpDownCounter<long>(GatewayTelemetry.OngoingRequests, "{request}",
            "Requests this gateway is currently forwarding, by deployment and replica (the autoscaling signal).");
        _retries = meter.CreateCounter<long>(GatewayTelemetry.RetriesTotal, "{request}",
            "Attempts that failed before any response byte and were retried on another replica, by the failed replica.");
        _ejections = meter.CreateCounter<long>(GatewayTelemetry.EjectionsTotal, "{ejection}",
            "Times passive outlier detection ejected a replica, by deployment and replica.");
        _errors = meter.CreateCounter<long>(GatewayTelemetry.ErrorsTotal, "{request}",
            "Forwarded requests that failed: a 5xx answer, an unreachable or timed-out replica, or a stream broken mid-way.");
        _ttft = meter.CreateHistogram<double>(GatewayTelemetry.TimeToFirstByte, "s",
            "Time from routing until the first response byte reached the client (the first SSE chunk: gateway-side TTFT).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _rejected = meter.CreateCounter<long>(GatewayTelemetry.RejectedTotal, "{request}",
            "Requests turned away by backpressure before reaching a replica, by deployment and reason.");
        if (queues is not null)
        {
            meter.CreateObservableGauge(GatewayTelemetry.QueuedRequests, () => queues.All.Select(q =>
                new Measurement<long>(q.Value.Queued, Tag(GatewayTelemetry.DeploymentTag, q.Key))),
                "{request}", "Requests waiting for a replica slot, by deployment.");
        }
        if (replicas is not null)
        {
            var clock = time ?? TimeProvider.System;
            meter.CreateObservableGauge(GatewayTelemetry.ReplicaAvailable, () => replicas.Snapshot().Select(r =>
                new Measurement<int>(r.IsAvailable(clock.GetUtcNow()) ? 1 : 0,
                    Tag(GatewayTelemetry.DeploymentTag, r.Deployment), Tag(GatewayTelemetry.ReplicaTag, r.Id))),
                null, "1 when a replica takes new requests (healthy, not ejected, not draining), else 0.");
        }
    }

    public void RequestStarted(string deployment, string replica) =>
        _ongoing.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    public void RequestCompleted(string deployment, string replica, int statusCode, TimeSpan elapsed)
    {
        var deploymentTag = Tag(GatewayTelemetry.DeploymentTag, deployment);
        var replicaTag = Tag(GatewayTelemetry.ReplicaTag, replica);
        _ongoing.Add(-1, deploymentTag, replicaTag);
        var statusTag = Tag(GatewayTelemetry.StatusClassTag, GatewayTelemetry.StatusClass(statusCode));
        _requests.Add(1, deploymentTag, replicaTag, statusTag);
        _duration.Record(elapsed.TotalSeconds, deploymentTag, replicaTag, statusTag);
    }

    public void RequestFailed(string deployment, string replica, string kind) =>
        _errors.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica),
            Tag(GatewayTelemetry.ErrorKindTag, kind));

    public void FirstByte(string deployment, string replica, TimeSpan elapsed) =>
        _ttft.Record(elapsed.TotalSeconds, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    public void RequestRejected(string deployment, string reason) =>
        _rejected.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReasonTag, reason));

    public void RequestRetried(string deployment, string replica) =>
        _retries.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    public void ReplicaEjected(string deployment, string replica) =>
        _ejections.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
