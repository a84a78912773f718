namespace LlmServe.Gateway.Routing;

/// <summary>
/// DNS replica discovery (section <c>Gateway:Dns</c>), for upstreams that name a Kubernetes headless Service:
/// its DNS name has one A record per ready pod, so the gateway routes to each pod instead of to one address.
/// </summary>
internal sealed class DnsDiscoveryOptions
{
    public const string SectionName = "Gateway:Dns";

    /// <summary>When true, every upstream whose host is a DNS name resolves to all of its IPv4 addresses.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a resolved set is used before the name is looked up again (pods come and go with scaling).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}
