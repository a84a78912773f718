using System.Diagnostics;
using LlmServe.ServiceDefaults;

namespace LlmServe.Gateway.Telemetry;

/// <summary>Names of the gateway's meter, activity source, instruments and tags, kept in one place.</summary>
internal static class GatewayTelemetry
{
    /// <summary>Registered by ServiceDefaults for both metrics and tracing.</summary>
    public const string SourceName = TelemetryNames.Gateway;

    public const string RequestsTotal = "llmserve_gateway_requests_total";
    public const string RequestDuration = "llmserve_gateway_request_duration_seconds";
    public const string OngoingRequests = "llmserve_gateway_ongoing_requests";
    public const string RetriesTotal = "llmserve_gateway_retries_total";
    public const string EjectionsTotal = "llmserve_gateway_replica_ejections_total";
    public const string ErrorsTotal = "llmserve_gateway_errors_total";
    public const string TimeToFirstByte = "llmserve_gateway_time_to_first_byte_seconds";
    public const string RejectedTotal = "llmserve_gateway_rejected_requests_total";
    public const string QueuedRequests = "llmserve_gateway_queued_requests";
    public const string ReplicaAvailable = "llmserve_gateway_replica_available";

    public const string RouteActivityName = "llmserve.gateway.route";

    public const string DeploymentTag = "deployment";
    public const string ReplicaTag = "replica";
    public const string StatusClassTag = "status_class";
    public const string ErrorKindTag = "error_kind";
    public const string ReasonTag = "reason";

    public const string ModelAttribute = "llmserve.model";
    public const string DeploymentAttribute = "llmserve.deployment";
    public const string ReplicaAttribute = "llmserve.replica";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    /// <summary>"2xx", "4xx", "5xx"...: low-cardinality status for metric tags.</summary>
    /// <remarks>Literals rather than formatting: this runs on every forwarded request.</remarks>
    public static string StatusClass(int statusCode) => (statusCode / 100) switch
    {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        5 => "5xx",
        _ => "unknown",
    };
}
