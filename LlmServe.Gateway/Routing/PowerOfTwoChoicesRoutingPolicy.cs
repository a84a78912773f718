using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Power of two choices: sample two distinct replicas uniformly and send the request to the one with fewer
/// in-flight requests (ties go to the first sample).
/// </summary>
/// <remarks>
/// Almost as good as least-loaded at spreading load, yet it never herds every gateway onto the same momentarily
/// idle replica, because each decision only looks at two random candidates.
/// </remarks>
internal sealed class PowerOfTwoChoicesRoutingPolicy(IRandomFactory randomFactory) : IRoutingPolicy
{
    /// <inheritdoc/>
    public string Name => RoutingPolicies.PowerOfTwoChoices;

    /// <inheritdoc/>
    public ReplicaState? Pick(Deployment deployment, IReadOnlyList<ReplicaState> replicas)
    {
        switch (replicas.Count)
        {
            case 0:
                return null;
            case 1:
                return replicas[0];
        }

        var random = randomFactory.CreateRandomInstance();
        var first = random.Next(replicas.Count);
        // Draw from the remaining n-1 slots and skip over the first pick, so the two are always distinct.
        var second = random.Next(replicas.Count - 1);
        if (second >= first)
        {
            second++;
        }

        var a = replicas[first];
        var b = replicas[second];
        return b.InFlightRequests < a.InFlightRequests ? b : a;
    }
}
