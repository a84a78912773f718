namespace LlmServe.Gateway.Autoscaling;

/// <summary>Whether this gateway instance is the one allowed to act on autoscaling decisions.</summary>
public interface ILeaderElector
{
    /// <summary>True while this instance holds leadership.</summary>
    bool IsLeader { get; }
}
