using System.Collections.Concurrent;

namespace LlmServe.Gateway.Routing;

/// <summary>One <see cref="DeploymentQueue"/> per deployment name, living as long as the gateway.</summary>
internal sealed class AdmissionQueues(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DeploymentQueue> _queues = new(StringComparer.Ordinal);

    public DeploymentQueue Get(string deployment) => _queues.GetOrAdd(deployment, _ => new DeploymentQueue(time));

    public IEnumerable<KeyValuePair<string, DeploymentQueue>> All => _queues;
}
