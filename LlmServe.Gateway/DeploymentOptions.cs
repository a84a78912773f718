using LlmServe.Gateway.Autoscaling;

namespace LlmServe.Gateway;

/// <summary>One model deployment: a set of identical worker replicas serving one model.</summary>
public sealed class DeploymentOptions
{
    public const string DefaultOwner = "llmserve";

    /// <summary>The model id clients send in the <c>model</c> field.</summary>
    public string Name { get; set; } = "";

    /// <summary>Other model ids that resolve to this deployment (exact, case-sensitive).</summary>
    public string[] Aliases { get; set; } = [];

    /// <summary>
    /// Where the replicas are. A host without an explicit port (<c>http://worker-llama</c>) or a combined scheme
    /// (<c>https+http://worker-llama</c>) is a service-discovery name whose every endpoint is a replica; a URL with
    /// a port, an IP literal or <c>localhost</c> (<c>http://127.0.0.1:5101</c>) is one static replica.
    /// </summary>
    public string Upstream { get; set; } = "";

    /// <summary>
    /// The model id the replicas expect in the <c>model</c> field (defaults to <see cref="Name"/>). Requests that
    /// arrive under an alias, or under a name that differs from an external upstream's, are rewritten to it.
    /// </summary>
    public string? UpstreamModel { get; set; }

    /// <summary>The <c>owned_by</c> value shown by <c>/v1/models</c>.</summary>
    public string OwnedBy { get; set; } = DefaultOwner;

    /// <summary>Ray Serve-style autoscaling for this deployment; none means a fixed set of replicas.</summary>
    public AutoscalingOptions? Autoscaling { get; set; }
    /// <summary>
    /// Optional versions with traffic weights. When empty the deployment is one version served by <see cref="Upstream"/>;
    /// when set, each request goes to one version chosen by weight (sticky per session or user).
    /// </summary>
    public List<DeploymentVersionOptions> Versions { get; set; } = [];

    /// <summary>Per-replica cap on requests this gateway has in flight (Ray Serve <c>max_ongoing_requests</c>); 0 = no cap.</summary>
    public int MaxOngoingRequests { get; set; }

    /// <summary>
    /// How many requests may wait when every replica is at <see cref="MaxOngoingRequests"/> (Ray Serve
    /// <c>max_queued_requests</c>); -1 = unbounded. Requests over it are rejected at once.
    /// </summary>
    public int MaxQueuedRequests { get; set; } = -1;

    /// <summary>How long a request may wait in the queue before it is rejected; null = until the client leaves.</summary>
    public TimeSpan? QueueTimeout { get; set; }

    /// <summary>The status a rejected request gets: 503 (Ray Serve's default) or 429.</summary>
    public int BackpressureStatusCode { get; set; } = StatusCodes.Status503ServiceUnavailable;

    /// <summary>The <c>Retry-After</c> seconds sent with a backpressure rejection.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
