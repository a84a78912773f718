namespace LlmServe.Gateway.Autoscaling;

/// <summary>What one control-loop tick observes for one deployment.</summary>
/// <param name="CurrentTargetReplicas">The target the last applied decision set (Ray <c>target_num_replicas</c>).</param>
/// <param name="RunningReplicas">Replicas that are up and serving (Ray <c>current_num_replicas</c>).</param>
/// <param name="TotalNumRequests">Running requests averaged over the look-back window, summed over replicas, plus queued requests.</param>
/// <param name="WaitingRequests">LLM-native: requests waiting in the engines' queues plus held at the gateway.</param>
/// <param name="MeanKvCacheUsage">LLM-native: the running replicas' mean KV-cache usage (0..1) over the window.</param>
public sealed record AutoscalingContext(
    int CurrentTargetReplicas,
    int RunningReplicas,
    double TotalNumRequests,
    double WaitingRequests = 0,
    double MeanKvCacheUsage = 0);
