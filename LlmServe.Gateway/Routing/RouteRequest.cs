namespace LlmServe.Gateway.Routing;

/// <summary>What the router needs to know about one request.</summary>
/// <param name="Model">The requested model id.</param>
/// <param name="StickyKey">The <c>x-llmserve-session</c> header or the OpenAI <c>user</c> field; null for none.</param>
/// <param name="Priority">Higher is served first when the deployment queues (<c>x-llmserve-priority</c>).</param>
internal sealed record RouteRequest(string Model, string? StickyKey = null, int Priority = 0)
{
    public const string SessionHeader = "x-llmserve-session";
    public const string PriorityHeader = "x-llmserve-priority";

    /// <summary>Replicas that already failed this request; avoided while any other replica is available.</summary>
    public IReadOnlyCollection<ReplicaState> Exclude { get; init; } = [];

    /// <summary>Hashes of the prompt's prefix at each block boundary, shortest first (empty when prefix routing is off).</summary>
    public IReadOnlyList<int> PrefixHashes { get; init; } = [];
}
