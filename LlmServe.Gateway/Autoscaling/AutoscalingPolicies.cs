namespace LlmServe.Gateway.Autoscaling;

/// <summary>The names accepted by <see cref="AutoscalingOptions.Policy"/>.</summary>
public static class AutoscalingPolicies
{
    /// <summary>Ray Serve's <c>replica_queue_length_autoscaling_policy</c>: running + queued requests per replica.</summary>
    public const string RequestQueue = nameof(RequestQueue);

    /// <summary>Engine waiting queue and KV-cache usage from the workers' <c>/load</c>, with Ray's factors and delays.</summary>
    public const string LlmNative = nameof(LlmNative);

    public static bool IsKnown(string? name) =>
        string.Equals(name, RequestQueue, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, LlmNative, StringComparison.OrdinalIgnoreCase);

    public static bool IsLlmNative(string? name) => string.Equals(name, LlmNative, StringComparison.OrdinalIgnoreCase);
}
