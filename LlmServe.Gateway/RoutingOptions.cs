namespace LlmServe.Gateway;

/// <summary>Replica choice within a deployment (<c>Gateway:Routing</c>); the policy is chosen at start.</summary>
public sealed class RoutingOptions
{
    /// <summary><c>PowerOfTwoChoices</c> (default) or <c>PrefixAffinity</c>.</summary>
    public string Policy { get; set; } = Routing.RoutingPolicies.PowerOfTwoChoices;

    /// <summary>Prompt characters per prefix block; a request's prefix is hashed at every block boundary.</summary>
    public int PrefixBlockCharacters { get; set; } = 128;

    /// <summary>How many leading blocks are hashed (so at most blocks x characters of the prompt matter).</summary>
    public int PrefixBlocks { get; set; } = 16;

    /// <summary>Stay on the replica that served the longest matching prefix unless it has this many more in-flight requests than the least loaded.</summary>
    public int ImbalanceThreshold { get; set; } = 4;
}
