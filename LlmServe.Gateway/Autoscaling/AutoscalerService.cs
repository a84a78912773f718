using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// The control loop, the only stateful piece: every <see cref="AutoscalerSettings.ControlLoopIntervalS"/> it samples
/// each autoscaled deployment (gateway in-flight per ready replica, averaged over the look-back window, plus requests
/// held for want of a replica; the workers' /load for the LLM-native policy), runs the pure policy, publishes the
/// outcome and, on the leader only, tells the <see cref="IReplicaScaler"/> when the target changes.
/// </summary>
internal sealed partial class AutoscalerService(
    ModelRegistryProvider registry,
    ReplicaPoolResolver pool,
    ReplicaHealthTable health,
    ReplicaStateStore replicas,
    AutoscalerStatusBoard board,
    AutoscalerMetrics metrics,
    IReplicaScaler scaler,
    ILeaderElector leader,
    IOptionsMonitor<AutoscalerSettings> settings,
    TimeProvider time,
    ILogger<AutoscalerService> logger) : BackgroundService
{
    private readonly Dictionary<string, DeploymentLoopState> _states = new(StringComparer.Ordinal);
    private bool _wasLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = metrics; // the instruments observe the board; holding them here creates them with the service
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CurrentValue.ControlLoopIntervalS), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(logger, ex);
            }
        }
    }

    /// <summary>One control-loop tick over every autoscaled deployment.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var interval = settings.CurrentValue.ControlLoopIntervalS;
        var isLeader = leader.IsLeader;
        var becameLeader = isLeader && !_wasLeader;
        _wasLeader = isLeader;
        var inFlight = replicas.Snapshot().ToLookup(r => (r.Deployment, r.Address), r => r.InFlightRequests);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var deployment in registry.Current.Deployments)
        {
            if (pool.AutoscalingOf(deployment.Name) is not { } options)
            {
                continue;
            }
            var name = deployment.Name;
            seen.Add(name);
            var state = _states.TryGetValue(name, out var s) ? s : new DeploymentLoopState(options.EffectiveInitialReplicas, default, Applied: false);
            if (becameLeader)
            {
                state = state with { Applied = false };
            }

            var members = health.For(name);
            var lookBack = TimeSpan.FromSeconds(options.LookBackPeriodS);
            double total = 0, waiting = 0, kv = 0;
            var running = 0;
            foreach (var replica in members)
            {
                var current = inFlight[(name, replica.Address)].Sum();
                if (replica.Ready)
                {
                    replica.Window.Add(now, current, replica.Load?.Waiting ?? 0, replica.Load?.KvCacheUsage ?? 0);
                }
                var average = replica.Window.Average(now, lookBack);
                if (replica.Routable)
                {
                    running++;
                    total += average.Running;
                    waiting += average.Waiting;
                    kv += average.Kv;
                }
            }

            var held = health.HeldRequests(name);
            var context = new AutoscalingContext(state.Target, running, total + held, waiting + held, running == 0 ? 0 : kv / running);
            var decision = AutoscalingPolicy.Decide(options, context, state.State, interval);

            if (options.EffectiveDrainAboveTarget)
            {
                foreach (var replica in members)
                {
                    health.SetDraining(replica, replica.Index >= decision.TargetReplicas);
                }
            }

            var applied = state.Applied && decision.TargetReplicas == state.Target;
            if (!applied && isLeader)
            {
                applied = await TryScaleAsync(name, options, decision.TargetReplicas, cancellationToken);
            }
            _states[name] = new DeploymentLoopState(decision.TargetReplicas, decision.NextState, applied);

            board.Set(new DeploymentScalingStatus(
                name, options.Policy, decision.TargetReplicas, decision.DesiredReplicas, running, context.TotalNumRequests, held,
                decision.NextState.DecisionCounter, options.MinReplicas, options.MaxReplicas, now,
                members.Select(r =>
                {
                    var f = inFlight[(name, r.Address)].Sum();
                    return new ReplicaStatus(r.Index, r.Address.ToString(), r.Ready, r.Draining, f, r.Draining && f == 0, r.Load);
                }).ToArray()));
        }

        board.RemoveExcept(seen);
        foreach (var gone in _states.Keys.Where(k => !seen.Contains(k)).ToArray())
        {
            _states.Remove(gone);
        }
    }

    private async Task<bool> TryScaleAsync(string deployment, AutoscalingOptions options, int target, CancellationToken cancellationToken)
    {
        try
        {
            await scaler.ScaleAsync(deployment, options, target, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogScaleFailed(logger, ex, deployment, target);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autoscaler tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scaling deployment {Deployment} to {Target} replicas failed; retrying next tick")]
    private static partial void LogScaleFailed(ILogger logger, Exception exception, string deployment, int target);

    private sealed record DeploymentLoopState(int Target, AutoscalingState State, bool Applied);
}
