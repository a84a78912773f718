namespace LlmServe.Gateway.Routing;

/// <summary>
/// Pure passive outlier detection (Envoy's consecutive-5xx, LiteLLM's allowed_fails/cooldown): a success resets the
/// failure streak; the failure that reaches the threshold ejects the replica until now + cooldown, and the streak
/// restarts so a replica that fails again after its cooldown is ejected again only after another full streak.
/// </summary>
/// <remarks>Threshold 3: fail, fail -> streak 2, not ejected; fail -> ejected until now + cooldown, streak 0.</remarks>
internal static class OutlierDetection
{
    public static (int Streak, DateTimeOffset? EjectedUntil) OnResult(
        bool success, int streak, DateTimeOffset now, int threshold, TimeSpan cooldown)
    {
        if (success || threshold <= 0)
        {
            return (0, null);
        }
        var next = streak + 1;
        return next >= threshold ? (0, now + cooldown) : (next, null);
    }

    /// <summary>The replicas to route to: healthy and not ejected, or every replica when none qualifies (panic mode).</summary>
    public static IReadOnlyList<ReplicaState> Available(IReadOnlyList<ReplicaState> replicas, DateTimeOffset now)
    {
        var available = replicas.Where(r => r.IsAvailable(now)).ToArray();
        return available.Length > 0 ? available : replicas;
    }
}
