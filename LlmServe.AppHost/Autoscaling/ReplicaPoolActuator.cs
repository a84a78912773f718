using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmServe.AppHost.Autoscaling;

/// <summary>
/// The local actuator: polls the gateway's <c>GET /admin/autoscaler</c> and starts or stops the pre-declared replica
/// resources through Aspire's resource commands, so replicas come and go in the dashboard as the autoscaler decides.
/// The gateway routes only to replicas its probe sees ready and drains the slots above the target; this loop stops
/// a replica only after the gateway has reported it drained (<see cref="ReplicaPoolPlanner"/>).
/// </summary>
internal sealed partial class ReplicaPoolActuator(
    ReplicaPoolTopology topology,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    TimeProvider time,
    ILogger<ReplicaPoolActuator> logger) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _drainedSince = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Resource, ReplicaCommand Command), DateTimeOffset> _lastCommand = [];
    private readonly Dictionary<string, Task> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _targets = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = topology.Options;
        await notifications.WaitForResourceAsync(topology.Gateway.Name, KnownResourceStates.Running, stoppingToken);
        var gateway = await topology.Gateway.GetEndpoint("http").GetValueAsync(stoppingToken)
            ?? throw new InvalidOperationException($"Resource '{topology.Gateway.Name}' has no http endpoint.");
        using var http = new HttpClient { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(2) };
        LogStarted(logger, gateway, topology.Pools.Count);

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PollIntervalS), time);
        do
        {
            try
            {
                var report = await http.GetFromJsonAsync<AutoscalerReport>("/admin/autoscaler", JsonSerializerOptions.Web, stoppingToken);
                if (report is { IsLeader: true })
                {
                    Apply(report, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // The gateway restarting or busy: keep the replicas as they are and ask again next tick.
                LogPollFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every pool the report covers.</summary>
    private void Apply(AutoscalerReport report, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var options = topology.Options;
        foreach (var status in report.Deployments)
        {
            if (topology.Pools.FirstOrDefault(p => p.Deployment == status.Deployment) is not { } pool)
            {
                continue;
            }
            if (_targets.GetValueOrDefault(status.Deployment, -1) != status.TargetReplicas)
            {
                _targets[status.Deployment] = status.TargetReplicas;
                LogTarget(logger, status.Deployment, status.TargetReplicas, pool.Replicas.Count);
            }

            for (var slot = 0; slot < pool.Replicas.Count; slot++)
            {
                var resource = pool.Replicas[slot];
                var state = notifications.TryGetCurrentState(resource.Name, out var e) ? e.Snapshot.State?.Text : null;
                var drained = status.Replicas.FirstOrDefault(r => r.Index == slot)?.Drained == true;
                TimeSpan? drainedFor = null;
                if (drained)
                {
                    drainedFor = now - (_drainedSince.TryGetValue(resource.Name, out var since) ? since : _drainedSince[resource.Name] = now);
                }
                else
                {
                    _drainedSince.Remove(resource.Name);
                }

                var command = ReplicaPoolPlanner.Plan(slot, status.TargetReplicas, state, drainedFor, TimeSpan.FromSeconds(options.DrainGraceS));
                if (command == ReplicaCommand.None
                    || (_pending.TryGetValue(resource.Name, out var pending) && !pending.IsCompleted)
                    || (_lastCommand.TryGetValue((resource.Name, command), out var last) && now - last < TimeSpan.FromSeconds(options.CommandCooldownS)))
                {
                    continue;
                }
                _lastCommand[(resource.Name, command)] = now;
                _drainedSince.Remove(resource.Name);
                _pending[resource.Name] = ExecuteAsync(status.Deployment, resource, command, status.TargetReplicas, cancellationToken);
            }
        }
    }

    /// <summary>Runs one command without holding up the poll loop (a start can take a while to go through).</summary>
    private async Task ExecuteAsync(string deployment, IResource resource, ReplicaCommand command, int target, CancellationToken cancellationToken)
    {
        var name = command == ReplicaCommand.Start ? KnownResourceCommands.StartCommand : KnownResourceCommands.StopCommand;
        LogCommand(logger, command, resource.Name, deployment, target);
        try
        {
            var result = await commands.ExecuteCommandAsync(resource, name, cancellationToken);
            if (!result.Success)
            {
                LogCommandFailed(logger, command, resource.Name, result.Message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCommandFailed(logger, command, resource.Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica pool actuator polling {Gateway} for {Pools} pool(s)")]
    private static partial void LogStarted(ILogger logger, string gateway, int pools);

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscaler target for {Deployment}: {Target} of {Slots} replicas")]
    private static partial void LogTarget(ILogger logger, string deployment, int target, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Command} replica {Resource} of {Deployment} (target {Target})")]
    private static partial void LogCommand(ILogger logger, ReplicaCommand command, string resource, string deployment, int target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command} of replica {Resource} failed: {Error}")]
    private static partial void LogCommandFailed(ILogger logger, ReplicaCommand command, string resource, string? error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the autoscaler's decisions failed: {Error}")]
    private static partial void LogPollFailed(ILogger logger, string error);
}
