namespace LlmServe.Gateway.Routing;

internal sealed partial class ModelRouter
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Model '{Model}' is not served by any deployment")]
    private static partial void LogUnknownModel(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resolving replicas of deployment '{Deployment}' at {Upstream} failed")]
    private static partial void LogResolveFailed(ILogger logger, Exception exception, string deployment, Uri upstream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment '{Deployment}' at {Upstream} has no replica endpoint")]
    private static partial void LogNoReplicas(ILogger logger, string deployment, Uri upstream);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Routed model '{Model}' to deployment '{Deployment}' replica {Replica} ({InFlight} in flight, {Candidates} candidates)")]
    private static partial void LogRouted(ILogger logger, string model, string deployment, string replica, int inFlight, int candidates);
}
