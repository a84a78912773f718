using System.Collections.Concurrent;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>The latest status per deployment, written by the control loop and read by the API and metrics.</summary>
internal sealed class AutoscalerStatusBoard
{
    private readonly ConcurrentDictionary<string, DeploymentScalingStatus> _status = new(StringComparer.Ordinal);

    public void Set(DeploymentScalingStatus status) => _status[status.Deployment] = status;

    public void RemoveExcept(IReadOnlySet<string> deployments)
    {
        foreach (var key in _status.Keys.Where(k => !deployments.Contains(k)))
        {
            _status.TryRemove(key, out _);
        }
    }

    public IReadOnlyList<DeploymentScalingStatus> Snapshot() => _status.Values.OrderBy(s => s.Deployment, StringComparer.Ordinal).ToArray();
}
