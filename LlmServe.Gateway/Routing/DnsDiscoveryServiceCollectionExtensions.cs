using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Registers DNS replica discovery, active while <c>Gateway:Dns:Enabled</c> is set (the published Kubernetes
/// ConfigMap sets it); read per call, so a reloaded configuration turns it on or off.
/// </summary>
internal static class DnsDiscoveryServiceCollectionExtensions
{
    /// <summary>Wraps the registered <see cref="IReplicaResolver"/>; call after it and before anything that decorates it in turn.</summary>
    public static IServiceCollection AddDnsReplicaDiscovery(this IServiceCollection services)
    {
        services.AddOptions<DnsDiscoveryOptions>().BindConfiguration(DnsDiscoveryOptions.SectionName)
            .Validate(o => o.RefreshInterval > TimeSpan.Zero, $"{DnsDiscoveryOptions.SectionName}:RefreshInterval must be positive.")
            .ValidateOnStart();
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IReplicaResolver))
            ?? throw new InvalidOperationException("Register an IReplicaResolver before AddDnsReplicaDiscovery.");
        services.TryAddSingleton<DnsLookup>(DnsReplicaResolver.SystemLookup);
        services.Replace(ServiceDescriptor.Singleton<IReplicaResolver>(sp => new DnsReplicaResolver(
            (IReplicaResolver)(inner.ImplementationInstance ?? inner.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            sp.GetRequiredService<DnsLookup>(),
            sp.GetRequiredService<IOptionsMonitor<DnsDiscoveryOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DnsReplicaResolver>>())));
        return services;
    }
}
