namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Logs decisions only. Used locally, where the AppHost polls <c>GET /admin/autoscaler</c> and starts or stops the
/// pre-declared replica resources itself.
/// </summary>
internal sealed partial class LoggingReplicaScaler(ILogger<LoggingReplicaScaler> logger) : IReplicaScaler
{
    /// <inheritdoc/>
    public Task ScaleAsync(string deployment, AutoscalingOptions options, int targetReplicas, CancellationToken cancellationToken)
    {
        LogScale(logger, deployment, targetReplicas);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Autoscaler: deployment {Deployment} -> {TargetReplicas} replicas")]
    private static partial void LogScale(ILogger logger, string deployment, int targetReplicas);
}
