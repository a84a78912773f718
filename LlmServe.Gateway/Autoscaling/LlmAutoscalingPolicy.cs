namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// An LLM-native desired count: request counts are a weak signal for generation (a replica can hold many short
/// requests or be saturated by a few long ones), so this policy reads the engines' own pressure instead.
/// </summary>
/// <remarks>
/// <code>
/// by_kv      = n * mean_kv_cache_usage / TargetKvCacheUsage        proportional, like a Kubernetes HPA metric
/// by_waiting = waiting / TargetWaitingRequests                     engine-waiting + gateway-queued requests
/// error_ratio = max(by_kv, by_waiting) / n
/// </code>
/// The ratio then goes through exactly Ray's factors, stuck rule, bounds and delays, as Ray does for custom
/// policies. An empty waiting queue never forces a scale-down by itself: KV usage decides it.
/// </remarks>
public static class LlmAutoscalingPolicy
{
    /// <summary>The bounded desired count for <paramref name="context"/> (needs at least one running replica).</summary>
    public static int CalculateDesiredReplicas(AutoscalingOptions options, AutoscalingContext context)
    {
        var n = context.RunningReplicas;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var byKv = n * Math.Clamp(context.MeanKvCacheUsage, 0, 1) / options.TargetKvCacheUsage;
        var byWaiting = Math.Max(0, context.WaitingRequests) / options.TargetWaitingRequests;
        var raw = Math.Max(byKv, byWaiting);
        return AutoscalingPolicy.ApplyErrorRatio(options, raw / n, n);
    }
}
