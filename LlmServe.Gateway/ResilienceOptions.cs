namespace LlmServe.Gateway;

/// <summary>Fault isolation settings: health checks, outlier ejection, retries and timeouts (<c>Gateway:Resilience</c>).</summary>
public sealed class ResilienceOptions
{
    /// <summary>How often each known replica's <see cref="HealthCheckPath"/> is polled; null turns active checks off.</summary>
    public TimeSpan? HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The path polled on each replica (workers serve <c>/health</c> and <c>/load</c>).</summary>
    public string HealthCheckPath { get; set; } = "/health";

    /// <summary>How long one health probe may take before it counts as failed.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed requests (transport errors, 5xx, timeouts) that eject a replica; 0 turns ejection off.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>How long an ejected replica receives no new requests before it is tried again.</summary>
    public TimeSpan EjectionDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts on another replica, only when nothing of the response reached the client yet.</summary>
    public int MaxRetries { get; set; } = 1;

    /// <summary>How long opening a connection to a replica may take (read at start; a dead host fails fast and is retried elsewhere).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for response headers (prefill / time to first token); null = only the idle timeout.</summary>
    public TimeSpan? FirstByteTimeout { get; set; }
}
