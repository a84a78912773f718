namespace LlmServe.AppHost.Autoscaling;

/// <summary>
/// A deployment's <c>LlmServe:Deployments:N:Autoscaling</c> section, as far as the AppHost needs it: how many replica
/// resources to declare and how many start with the app. The gateway's autoscaler owns the policy, so every key of
/// the section (Ray Serve's names: TargetOngoingRequests, UpscaleDelayS, ...) is handed to it unchanged.
/// </summary>
internal sealed class DeploymentAutoscalingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Ray <c>min_replicas</c> (default 1); 0 lets the deployment scale to zero.</summary>
    public int MinReplicas { get; set; } = 1;

    /// <summary>Ray <c>max_replicas</c> (default 1): the number of replica resources declared.</summary>
    public int MaxReplicas { get; set; } = 1;

    /// <summary>Ray <c>initial_replicas</c> (default: <see cref="MinReplicas"/>): replicas started with the app.</summary>
    public int? InitialReplicas { get; set; }

    public int EffectiveInitialReplicas => InitialReplicas ?? MinReplicas;

    /// <summary>Every configured key of the section (nested keys joined with <c>:</c>), for the gateway; set by <see cref="TopologyOptions.Read"/>.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    private SortedDictionary<string, string> _settings = new(StringComparer.Ordinal);

    public void SetSettings(IEnumerable<KeyValuePair<string, string?>> settings) =>
        _settings = new(settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!), StringComparer.Ordinal);

    /// <summary>Fails fast at AppHost start rather than when the gateway rejects the same numbers.</summary>
    public void Validate(string deployment)
    {
        var errors = new List<string>();
        if (MinReplicas < 0) errors.Add("MinReplicas must be >= 0");
        if (MaxReplicas < 1) errors.Add("MaxReplicas must be >= 1");
        if (MinReplicas > MaxReplicas) errors.Add("MinReplicas must be <= MaxReplicas");
        if (InitialReplicas is { } initial && (initial < MinReplicas || initial > MaxReplicas))
        {
            errors.Add("InitialReplicas must lie between MinReplicas and MaxReplicas");
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Deployment '{deployment}' Autoscaling: {string.Join("; ", errors)}.");
        }
    }
}
