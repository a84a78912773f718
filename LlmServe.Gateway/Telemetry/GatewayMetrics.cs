using System.Diagnostics.Metrics;

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

    public GatewayMetrics(IMeterFactory meterFactory)
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

    public void RequestRetried(string deployment, string replica) =>
        _retries.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    public void ReplicaEjected(string deployment, string replica) =>
        _ejections.Add(1, Tag(GatewayTelemetry.DeploymentTag, deployment), Tag(GatewayTelemetry.ReplicaTag, replica));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
