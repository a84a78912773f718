using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// Sends a validated request to one replica with YARP and streams the response back unchanged. Failures before
/// the response started become an OpenAI-shaped 502/504; failures mid-stream abort the connection so the client
/// sees a truncated stream rather than a well-formed but wrong ending.
/// </summary>
internal sealed partial class UpstreamForwarder(
    IHttpForwarder forwarder,
    HttpMessageInvoker invoker,
    IOptionsMonitor<GatewayOptions> options,
    ILogger<UpstreamForwarder> logger)
{
    public async Task ForwardAsync(HttpContext context, Deployment deployment, ReplicaState replica)
    {
        // SSE chunks must reach the client the moment the worker flushes them.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = options.CurrentValue.UpstreamIdleTimeout,
            AllowResponseBuffering = false,
        };
        // YARP links the upstream call to RequestAborted, so a client disconnect cancels the worker's generation.
        var error = await forwarder.SendAsync(context, replica.DestinationPrefix, invoker, config, HttpTransformer.Default);
        if (error == ForwarderError.None)
        {
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (context.RequestAborted.IsCancellationRequested || IsClientSide(error))
        {
            LogClientGone(logger, deployment.Name, replica.Id, error);
            return;
        }

        LogForwardFailed(logger, exception, deployment.Name, replica.Id, error);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        var timedOut = error == ForwarderError.RequestTimedOut;
        await OpenAiError.WriteAsync(context,
            timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            timedOut
                ? $"Deployment '{deployment.Name}' did not answer in time (replica {replica.Id})."
                : $"Deployment '{deployment.Name}' could not be reached (replica {replica.Id}).",
            OpenAiError.Server, null, timedOut ? "upstream_timeout" : "upstream_unreachable");
    }

    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client left while forwarding to deployment '{Deployment}' replica {Replica}: {Error}")]
    private static partial void LogClientGone(ILogger logger, string deployment, string replica, ForwarderError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to deployment '{Deployment}' replica {Replica} failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, Exception? exception, string deployment, string replica, ForwarderError error);
}
