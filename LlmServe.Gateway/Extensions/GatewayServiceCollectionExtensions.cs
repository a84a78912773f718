using LlmServe.Gateway.Autoscaling;
using LlmServe.Gateway.Auth;
using LlmServe.Gateway.Forwarding;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Telemetry;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Extensions;

/// <summary>Everything the gateway registers in DI, so Program.cs stays a table of contents.</summary>
internal static class GatewayServiceCollectionExtensions
{
    /// <summary>The command-line switch naming an extra JSON configuration file (<c>--config gateway.json</c>).</summary>
    public const string ConfigFileKey = "config";

    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayConfigFile();
        builder.AddInlineIo();

        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelRegistryProvider>();

        services.AddSingleton<IRandomFactory, RandomFactory>();
        services.AddSingleton<PowerOfTwoChoicesRoutingPolicy>();
        services.AddSingleton<PrefixAffinityRoutingPolicy>();
        services.AddSingleton<IRoutingPolicy>(sp =>
            sp.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.Routing.Policy == RoutingPolicies.PrefixAffinity
                ? sp.GetRequiredService<PrefixAffinityRoutingPolicy>()
                : sp.GetRequiredService<PowerOfTwoChoicesRoutingPolicy>());
        services.AddSingleton<IReplicaResolver, ServiceDiscoveryReplicaResolver>();
        services.AddDnsReplicaDiscovery();
        services.AddSingleton<ReplicaStateStore>();
        services.AddSingleton<ModelRouter>();
        services.AddSingleton<TrafficWeights>();
        services.AddSingleton<AdmissionQueues>();
        services.AddSingleton<ReplicaHealthChecker>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaHealthChecker>());

        services.AddHttpForwarder();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<GatewayOptions>>();
            var handler = UpstreamHttpHandler.Create();
            handler.ConnectTimeout = options.CurrentValue.Resilience.ConnectTimeout;
            return new HttpMessageInvoker(
                new FirstByteTimeoutHandler(new OneWriteRequestHandler(handler), options, sp.GetRequiredService<TimeProvider>()), disposeHandler: true);
        });
        services.AddSingleton<UpstreamForwarder>();
        services.AddSingleton<InferenceProxy>();
        services.AddSingleton<KeyUsageLedger>();
        services.AddSingleton<KeyPolicyEnforcer>();
        services.AddSingleton<GatewayMetrics>();
        services.AddGatewayTelemetryViews();

        // AddServiceDefaults registers discovery too; repeating it keeps the gateway correct on its own.
        services.AddServiceDiscovery();
        services.AddGatewayAutoscaling(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Adds the JSON file given with <c>--config</c> just below the command line, so the file overrides
    /// appsettings and environment variables while explicit <c>--Gateway:...</c> switches still win.
    /// </summary>
    private static void AddGatewayConfigFile(this IHostApplicationBuilder builder)
    {
        var file = builder.Configuration[ConfigFileKey];
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        var source = new JsonConfigurationSource { Path = Path.GetFullPath(file), Optional = false, ReloadOnChange = true };
        source.ResolveFileProvider();
        var sources = builder.Configuration.Sources;
        var commandLine = sources.ToList().FindLastIndex(s => s is Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource);
        if (commandLine >= 0)
        {
            sources.Insert(commandLine, source);
        }
        else
        {
            sources.Add(source);
        }
    }
}
