namespace LlmServe.Gateway.Routing;

/// <summary>Names of the built-in routing policies.</summary>
internal static class RoutingPolicies
{
    /// <summary>Two random replicas, the one with fewer in-flight requests wins.</summary>
    public const string PowerOfTwoChoices = nameof(PowerOfTwoChoices);

    /// <summary>The replica that served the longest matching prompt prefix, unless it is too busy (Ray's PrefixCacheAffinityRouter idea).</summary>
    public const string PrefixAffinity = nameof(PrefixAffinity);
}
