using k8s;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>Registers the autoscaler. Call after the routing services: it decorates the registered <see cref="IReplicaResolver"/>.</summary>
internal static class AutoscalingServiceCollectionExtensions
{
    public const string KubernetesActuator = "Kubernetes";

    public static IServiceCollection AddGatewayAutoscaling(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(AutoscalerSettings.SectionName).Get<AutoscalerSettings>() ?? new AutoscalerSettings();
        if (string.Equals(settings.Actuator, KubernetesActuator, StringComparison.OrdinalIgnoreCase))
        {
            // In-cluster credentials: the pod's service-account token and CA, KUBERNETES_SERVICE_HOST/PORT.
            services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.InClusterConfig()));
            services.AddSingleton(KubernetesNamespace.Resolve(settings.Kubernetes.Namespace));
            services.AddSingleton(settings.Kubernetes);
            services.AddSingleton<IReplicaScaler, KubernetesReplicaScaler>();
            services.AddSingleton<KubernetesLeaseElector>();
            services.AddSingleton<ILeaderElector>(sp => sp.GetRequiredService<KubernetesLeaseElector>());
            services.AddHostedService(sp => sp.GetRequiredService<KubernetesLeaseElector>());
        }

        services.AddOptions<AutoscalerSettings>().BindConfiguration(AutoscalerSettings.SectionName);
        services.AddSingleton<ReplicaHealthTable>();
        services.AddSingleton<AutoscalerStatusBoard>();
        services.AddSingleton<AutoscalerMetrics>();
        services.AddHttpClient(ReplicaProbeService.HttpClientName);

        // Decorate whatever resolver routing registered, so routing sees only ready replicas of autoscaled deployments.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IReplicaResolver))
            ?? throw new InvalidOperationException("Register an IReplicaResolver before AddGatewayAutoscaling.");
        services.AddSingleton(sp => new ReplicaPoolResolver(
            Create(sp, inner),
            sp.GetRequiredService<ReplicaHealthTable>(),
            sp.GetRequiredService<IOptionsMonitor<GatewayOptions>>(),
            sp.GetRequiredService<IOptionsMonitor<AutoscalerSettings>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IReplicaResolver>(sp => sp.GetRequiredService<ReplicaPoolResolver>()));
        // Health checks see the routable replicas but are never held like a request: a held probe would count as
        // demand and start a deployment scaled to zero.
        services.Replace(ServiceDescriptor.Singleton(sp =>
            ActivatorUtilities.CreateInstance<ReplicaHealthChecker>(sp, sp.GetRequiredService<ReplicaPoolResolver>().WithoutHold)));

        services.TryAddSingleton<IReplicaScaler, LoggingReplicaScaler>();
        services.TryAddSingleton<ILeaderElector, AlwaysLeaderElector>();
        services.AddHostedService<ReplicaProbeService>();
        services.AddHostedService<AutoscalerService>();
        return services;
    }

    private static IReplicaResolver Create(IServiceProvider sp, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IReplicaResolver instance } => instance,
        { ImplementationFactory: { } factory } => (IReplicaResolver)factory(sp),
        { ImplementationType: { } type } => (IReplicaResolver)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException("Unsupported IReplicaResolver registration."),
    };
}
