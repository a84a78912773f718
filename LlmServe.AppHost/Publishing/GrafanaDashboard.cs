using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmServe.AppHost.Publishing;

/// <summary>The LlmServe Grafana dashboard: request rate, p99 latency, queue depth, GPU utilisation.</summary>
internal static class GrafanaDashboard
{
    public static string Json()
    {
        var panels = new JsonArray
        {
            Panel(1, "Requests/s by deployment", "sum by (deployment) (rate(llmserve_gateway_requests_total[1m]))", "reqps", 0, 0),
            Panel(2, "p99 latency by deployment",
                "histogram_quantile(0.99, sum by (le, deployment) (rate(llmserve_gateway_request_duration_seconds_bucket[5m])))", "s", 12, 0),
            Panel(3, "Queue depth (waiting requests)", "sum by (model_name) (vllm:num_requests_waiting)", "short", 0, 8),
            Panel(4, "GPU utilisation", "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)", "percent", 12, 8),
            Panel(5, "Ongoing gateway requests", "sum by (deployment) (llmserve_gateway_ongoing_requests)", "short", 0, 16),
        };
        var dashboard = new JsonObject
        {
            ["uid"] = "llmserve",
            ["title"] = "LlmServe",
            ["schemaVersion"] = 39,
            ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-1h", ["to"] = "now" },
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n");
    }

    private static JsonObject Panel(int id, string title, string expr, string unit, int x, int y) => new()
    {
        ["id"] = id,
        ["type"] = "timeseries",
        ["title"] = title,
        ["datasource"] = new JsonObject { ["type"] = "prometheus", ["uid"] = "${datasource}" },
        ["gridPos"] = new JsonObject { ["x"] = x, ["y"] = y, ["w"] = 12, ["h"] = 8 },
        ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = unit } },
        ["targets"] = new JsonArray { new JsonObject { ["refId"] = "A", ["expr"] = expr } },
    };
}
