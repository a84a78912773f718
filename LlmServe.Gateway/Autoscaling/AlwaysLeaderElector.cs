namespace LlmServe.Gateway.Autoscaling;

/// <summary>Local runs have a single gateway: it always leads.</summary>
internal sealed class AlwaysLeaderElector : ILeaderElector
{
    /// <inheritdoc/>
    public bool IsLeader => true;
}
