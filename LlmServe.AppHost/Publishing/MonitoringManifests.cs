using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>prometheus-operator ServiceMonitors, alert rules over our metric names, and the Grafana dashboard ConfigMap.</summary>
internal static class MonitoringManifests
{
    public static IEnumerable<object> Build(PublishOptions options)
    {
        var ns = options.Namespace;
        yield return ServiceMonitor("llmserve-workers", ns, ["worker"]);
        yield return ServiceMonitor("llmserve-services", ns, [ResourceNames.Gateway, ResourceNames.Rag, ResourceNames.Agents]);
        yield return Meta.Custom("monitoring.coreos.com/v1", "PrometheusRule", "llmserve-alerts", ns, "monitoring", new Dictionary<string, object>
        {
            ["groups"] = new[] { new Dictionary<string, object> { ["name"] = "llmserve", ["rules"] = Alerts(ns) } },
        });
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta
            {
                Name = "llmserve-dashboard",
                NamespaceProperty = ns,
                // The Grafana sidecar loads ConfigMaps carrying this label.
                Labels = new Dictionary<string, string>(Meta.Labels("llmserve-dashboard", "monitoring")) { ["grafana_dashboard"] = "1" },
            },
            Data = new Dictionary<string, string> { ["llmserve.json"] = GrafanaDashboard.Json() },
        };
    }

    private static Dictionary<string, object> ServiceMonitor(string name, string ns, string[] components) =>
        Meta.Custom("monitoring.coreos.com/v1", "ServiceMonitor", name, ns, "monitoring", new Dictionary<string, object>
        {
            ["selector"] = new Dictionary<string, object>
            {
                ["matchExpressions"] = new[]
                {
                    new Dictionary<string, object> { ["key"] = "app.kubernetes.io/component", ["operator"] = "In", ["values"] = components },
                },
            },
            ["endpoints"] = new[] { new Dictionary<string, string> { ["port"] = Meta.HttpPortName, ["path"] = "/metrics", ["interval"] = "15s" } },
        });

    private static object[] Alerts(string ns) =>
    [
        Alert("LlmServeHighErrorRate",
            "sum by (deployment) (rate(llmserve_gateway_requests_total{status_class=\"5xx\"}[5m]))"
            + " / sum by (deployment) (rate(llmserve_gateway_requests_total[5m])) > 0.05",
            "5m", "critical", "More than 5% of gateway requests to {{ $labels.deployment }} fail."),
        Alert("LlmServeHighP99Latency",
            "histogram_quantile(0.99, sum by (le, deployment) (rate(llmserve_gateway_request_duration_seconds_bucket[5m]))) > 30",
            "10m", "warning", "Gateway p99 latency for {{ $labels.deployment }} is above 30 s."),
        Alert("LlmServeWorkerP99Latency",
            "histogram_quantile(0.99, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket[5m]))) > 60",
            "10m", "warning", "Worker end-to-end p99 latency for {{ $labels.model_name }} is above 60 s."),
        Alert("LlmServeQueueDepth",
            "sum by (model_name) (vllm:num_requests_waiting) > 16",
            "5m", "warning", "More than 16 requests wait for {{ $labels.model_name }}; the autoscaler or Karpenter is not keeping up."),
        Alert("LlmServeNoSuccessfulRequests",
            "sum by (model_name) (rate(vllm:request_success_total[15m])) == 0 and sum by (model_name) (vllm:num_requests_running) > 0",
            "15m", "critical", "{{ $labels.model_name }} has running requests but completed none in 15 minutes."),
        Alert("LlmServeReplicaRestarts",
            $"increase(kube_pod_container_status_restarts_total{{namespace=\"{ns}\"}}[30m]) > 3",
            "0m", "warning", "{{ $labels.pod }} restarted more than 3 times in 30 minutes."),
    ];

    private static Dictionary<string, object> Alert(string name, string expr, string duration, string severity, string summary) => new()
    {
        ["alert"] = name,
        ["expr"] = expr,
        ["for"] = duration,
        ["labels"] = new Dictionary<string, string> { ["severity"] = severity },
        ["annotations"] = new Dictionary<string, string> { ["summary"] = summary },
    };
}
