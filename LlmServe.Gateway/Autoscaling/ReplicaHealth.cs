namespace LlmServe.Gateway.Autoscaling;

/// <summary>What the probe last saw of one replica, and whether the autoscaler is draining it.</summary>
internal sealed class ReplicaHealth(string deployment, Uri address, int index)
{
    public string Deployment { get; } = deployment;

    public Uri Address { get; } = address;

    /// <summary>The replica's slot in the deployment's pool (0 = the main upstream), used to pick which ones drain.</summary>
    public int Index { get; set; } = index;

    public volatile bool Ready;

    public volatile bool Draining;

    public WorkerLoad? Load { get; set; }

    public LoadWindow Window { get; } = new();

    /// <summary>Routable: ready and not being drained.</summary>
    public bool Routable => Ready && !Draining;
}
