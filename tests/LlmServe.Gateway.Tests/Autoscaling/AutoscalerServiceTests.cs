using System.Diagnostics.Metrics;
using LlmServe.Gateway.Autoscaling;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmServe.Gateway.Tests.Autoscaling;

public sealed class AutoscalerServiceTests
{
    private static readonly Uri Replica0 = new("http://127.0.0.1:5101/");

    /// <summary>A pool of one scaling to zero at once (no delay, no load): is its only slot drained for the actuator?</summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(null, false)]    // no local pool configured: the default drains nothing (Kubernetes picks the pods)
    [InlineData(false, false)]
    public async Task Tick_TargetDropsToZero_DrainsSlotZeroOnlyWhenAskedTo(bool? drainAboveTarget, bool drained)
    {
        var autoscaling = new AutoscalingOptions
        {
            MinReplicas = 0, MaxReplicas = 1, InitialReplicas = 1, DownscaleDelayS = 0, DownscaleToZeroDelayS = 0,
            DrainAboveTarget = drainAboveTarget,
        };
        var gateway = new GatewayOptions { Deployments = [new DeploymentOptions { Name = "m", Upstream = "http://127.0.0.1:5101", Autoscaling = autoscaling }] };
        var settings = new StaticOptionsMonitor<AutoscalerSettings>(new AutoscalerSettings());
        var options = new StaticOptionsMonitor<GatewayOptions>(gateway);
        var health = new ReplicaHealthTable();
        health.SetReady(health.GetOrAdd("m", Replica0, 0), true, null);
        var board = new AutoscalerStatusBoard();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var registry = new ModelRegistryProvider(options, TimeProvider.System);
        var pool = new ReplicaPoolResolver(new StaticReplicaResolver(), health, options, settings, TimeProvider.System);
        using var service = new AutoscalerService(registry, pool, health, new ReplicaStateStore(), board,
            new AutoscalerMetrics(services.GetRequiredService<IMeterFactory>(), board), new LoggingReplicaScaler(NullLogger<LoggingReplicaScaler>.Instance),
            new AlwaysLeaderElector(), settings, TimeProvider.System, NullLogger<AutoscalerService>.Instance);

        await service.TickAsync(TestContext.Current.CancellationToken);   // applies the initial target, 1
        await service.TickAsync(TestContext.Current.CancellationToken);   // idle for longer than the 0 s delay: 0

        var status = Assert.Single(board.Snapshot());
        Assert.Equal(0, status.TargetReplicas);
        var replica = Assert.Single(status.Replicas);
        Assert.Equal(drained, replica.Draining);
        Assert.Equal(drained, replica.Drained);
    }
}
