namespace LlmServe.Gateway.Autoscaling;

/// <summary>The outcome of one tick.</summary>
/// <param name="TargetReplicas">The replica count to run now (unchanged until a delay has elapsed).</param>
/// <param name="DesiredReplicas">What the formula asked for this tick, after factors and bounds, before the delay.</param>
/// <param name="NextState">The state to pass to the next tick.</param>
public sealed record AutoscalingDecision(int TargetReplicas, int DesiredReplicas, AutoscalingState NextState);
