namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Ray's <c>policy_state</c>: the consecutive-decision counter (&gt; 0: that many "want more" ticks in a row,
/// &lt; 0: that many "want fewer" ticks in a row, 0: the last tick wanted no change or a decision was just applied).
/// </summary>
public readonly record struct AutoscalingState(int DecisionCounter);
