using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Sends a validated request to one replica with YARP and streams the response back unchanged. A failure before
/// the response started is reported to the caller (who may retry elsewhere) and, on the last attempt, becomes an
/// OpenAI-shaped 502/504; a failure mid-stream ends an SSE response with an OpenAI-shaped error event and
/// aborts any other response so the client never mistakes a truncated body for a complete one.
/// </summary>
internal sealed partial class UpstreamForwarder(
    IHttpForwarder forwarder,
    HttpMessageInvoker invoker,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<UpstreamForwarder> logger)
{
    /// <summary>Names the version that served a response of a versioned deployment (LiteLLM's x-litellm-model-id, for canaries).</summary>
    public const string VersionHeader = "x-llmserve-version";

    private volatile ForwarderRequestConfig _config = new() { AllowResponseBuffering = false };

    public async Task<ForwardOutcome> ForwardAsync(HttpContext context, Deployment deployment, ReplicaState replica, bool lastAttempt = true)
    {
        // SSE chunks must reach the client the moment the worker flushes them.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (deployment.Version is { } version)
        {
            // Lets a client or an A/B analysis attribute each answer to its version; YARP adds the upstream's headers beside it.
            context.Response.Headers[VersionHeader] = version;
        }

        var config = RequestConfig(options.CurrentValue.UpstreamIdleTimeout);
        var lifetime = context.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>();
        var deferred = new DeferredAbortFeature(lifetime);
        context.Features.Set<IHttpRequestLifetimeFeature>(deferred);
        ForwarderError error;
        try
        {
            // YARP links the upstream call to RequestAborted, so a client disconnect cancels the worker's generation.
            error = await forwarder.SendAsync(context, replica.DestinationPrefix, invoker, config, UpstreamTransformer.Instance);
        }
        finally
        {
            context.Features.Set(lifetime);
        }
        if (error == ForwarderError.None)
        {
            return ForwardOutcome.Completed;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (context.RequestAborted.IsCancellationRequested || IsClientSide(error))
        {
            LogClientGone(logger, deployment.Name, replica.Id, error);
            if (deferred.AbortRequested)
            {
                lifetime.Abort();
            }
            return ForwardOutcome.ClientGone;
        }

        LogForwardFailed(logger, exception, deployment.Name, replica.Id, error);
        if (context.Response.HasStarted)
        {
            await EndStartedResponseAsync(context, lifetime, deployment, replica);
            return ForwardOutcome.FailedMidResponse;
        }
        if (!lastAttempt)
        {
            return ForwardOutcome.FailedBeforeResponse;
        }

        context.Response.Clear();
        var timedOut = error == ForwarderError.RequestTimedOut || exception is TimeoutException;
        await OpenAiError.WriteAsync(context,
            timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            timedOut
                ? $"Deployment '{deployment.Name}' did not answer in time (replica {replica.Id})."
                : $"Deployment '{deployment.Name}' could not be reached (replica {replica.Id}).",
            OpenAiError.Server, null, timedOut ? "upstream_timeout" : "upstream_unreachable");
        return ForwardOutcome.FailedBeforeResponse;
    }

    /// <summary>The forwarder settings for the current idle timeout; rebuilt only when a reload changed it.</summary>
    private ForwarderRequestConfig RequestConfig(TimeSpan idleTimeout)
    {
        var config = _config;
        if (config.ActivityTimeout != idleTimeout)
        {
            _config = config = new ForwarderRequestConfig { ActivityTimeout = idleTimeout, AllowResponseBuffering = false };
        }
        return config;
    }

    private static async Task EndStartedResponseAsync(HttpContext context, IHttpRequestLifetimeFeature lifetime, Deployment deployment, ReplicaState replica)
    {
        if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) != true)
        {
            lifetime.Abort();
            return;
        }
        try
        {
            await context.Response.WriteAsync(SseErrorEvent.Format(
                $"Deployment '{deployment.Name}' replica {replica.Id} failed during the stream; the output is incomplete."),
                context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            lifetime.Abort();
        }
    }

    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client left while forwarding to deployment '{Deployment}' replica {Replica}: {Error}")]
    private static partial void LogClientGone(ILogger logger, string deployment, string replica, ForwarderError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to deployment '{Deployment}' replica {Replica} failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, Exception? exception, string deployment, string replica, ForwarderError error);
}
