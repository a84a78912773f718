using System.Diagnostics.Metrics;
using LlmServe.Gateway.Telemetry;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>The autoscaler's decisions as gauges, one series per deployment.</summary>
internal sealed class AutoscalerMetrics
{
    public const string TargetReplicas = "llmserve_autoscaler_target_replicas";
    public const string DesiredReplicas = "llmserve_autoscaler_desired_replicas";
    public const string RunningReplicas = "llmserve_autoscaler_running_replicas";
    public const string TotalRequests = "llmserve_autoscaler_total_requests";
    public const string HeldRequests = "llmserve_autoscaler_held_requests";

    public AutoscalerMetrics(IMeterFactory meterFactory, AutoscalerStatusBoard board)
    {
        var meter = meterFactory.Create(GatewayTelemetry.SourceName);
        meter.CreateObservableGauge(TargetReplicas, () => Observe(board, s => s.TargetReplicas), "{replica}",
            "The replica count the autoscaler decided on (after delays).");
        meter.CreateObservableGauge(DesiredReplicas, () => Observe(board, s => s.DesiredReplicas), "{replica}",
            "What the policy asked for on the last tick, before the up/down delay.");
        meter.CreateObservableGauge(RunningReplicas, () => Observe(board, s => s.RunningReplicas), "{replica}",
            "Replicas ready and not draining.");
        meter.CreateObservableGauge(TotalRequests, () => Observe(board, s => s.TotalNumRequests), "{request}",
            "Running requests averaged over the look-back window plus held requests (the policy's input).");
        meter.CreateObservableGauge(HeldRequests, () => Observe(board, s => s.HeldRequests), "{request}",
            "Requests held at the gateway waiting for a first ready replica.");
    }

    private static IEnumerable<Measurement<double>> Observe(AutoscalerStatusBoard board, Func<DeploymentScalingStatus, double> value) =>
        board.Snapshot().Select(s => new Measurement<double>(value(s), new KeyValuePair<string, object?>(GatewayTelemetry.DeploymentTag, s.Deployment)));
}
