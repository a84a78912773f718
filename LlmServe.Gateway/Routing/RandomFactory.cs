namespace LlmServe.Gateway.Routing;

/// <inheritdoc/>
internal sealed class RandomFactory : IRandomFactory
{
    /// <inheritdoc/>
    public Random CreateRandomInstance() => Random.Shared;
}
