using System.Diagnostics;
using LlmServe.Gateway.Auth;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Telemetry;
using LlmServe.Gateway.Validation;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// The request path shared by every inference endpoint: buffer and validate the body, route by <c>model</c>,
/// forward to the chosen replica (retrying on another one while nothing reached the client), and account for it
/// (in-flight count, outlier detection, metrics, trace).
/// </summary>
internal sealed class InferenceProxy(
    ModelRouter router,
    UpstreamForwarder forwarder,
    GatewayMetrics metrics,
    TimeProvider time,
    IOptionsMonitor<GatewayOptions> options,
    KeyPolicyEnforcer keys)
{
    /// <summary>Seconds a client should wait before retrying when a deployment has no replica (workers start in seconds).</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Handles one request to <paramref name="endpoint"/> and writes its answer (what <see cref="HandleAsync"/> returns).</summary>
    public async Task InvokeAsync(HttpContext context, OpenAiEndpoint endpoint) =>
        await (await HandleAsync(context, endpoint)).ExecuteAsync(context);

    public async Task<IResult> HandleAsync(HttpContext context, OpenAiEndpoint endpoint)
    {
        var cancellationToken = context.RequestAborted;
        var body = await RequestBodyReader.ReadAsync(context.Request, cancellationToken);
        if (!body.Succeeded)
        {
            return body.Error;
        }

        string? model;
        RouteRequest routeRequest;
        KeyUsageLedger.Reservation? reservation;
        using (body.Document)
        {
            if (!OpenAiRequestValidator.TryValidate(endpoint, body.Document.RootElement, out model, out var invalid))
            {
                return OpenAiError.BadRequest(invalid.Message, invalid.Param);
            }
            if (keys.Check(context, model, body.Document.RootElement, out reservation) is { } denied)
            {
                return denied;
            }
            routeRequest = RouteRequestReader.Read(context.Request, body.Document.RootElement, model, options.CurrentValue.Routing);
        }

        if (reservation is null)
        {
            return await RouteAndForwardAsync(context, model, routeRequest, cancellationToken);
        }
        // Count what the worker reports: both a JSON body and a stream's last chunk end with the usage.
        var originalBody = context.Response.Body;
        var tail = new UsageTailStream(originalBody);
        context.Response.Body = tail;
        try
        {
            return await RouteAndForwardAsync(context, model, routeRequest, cancellationToken);
        }
        finally
        {
            context.Response.Body = originalBody;
            reservation.Settle(tail.TotalTokens() ?? (context.Response.StatusCode >= 400 ? 0 : null));
        }
    }

    private async Task<IResult> RouteAndForwardAsync(HttpContext context, string model, RouteRequest routeRequest, CancellationToken cancellationToken)
    {
        var maxRetries = Math.Max(0, options.CurrentValue.Resilience.MaxRetries);
        var tried = new List<ReplicaState>();
        for (var attempt = 0; ; attempt++)
        {
            var route = await router.RouteAsync(routeRequest with { Exclude = tried }, cancellationToken);
            if (!route.IsRouted)
            {
                return route.Status switch
                {
                    RouteStatus.ModelNotFound => OpenAiError.ModelNotFound(model, route.Registry.ServedNames),
                    RouteStatus.Rejected when route.Deployment is not null => Reject(context, route.Deployment, route.RejectReason),
                    _ => NoReplicas(context, route.Deployment?.Name ?? model),
                };
            }

            if (attempt == 0 && model != route.Deployment.UpstreamModel)
            {
                await ModelFieldRewriter.RewriteAsync(context.Request, route.Deployment.UpstreamModel, cancellationToken);
            }
            context.Request.Body.Position = 0;
            ForwardOutcome outcome;
            using (route.Lease)
            {
                tried.Add(route.Lease.Replica);
                outcome = await ForwardAsync(context, model, route.Deployment, route.Lease.Replica, attempt >= maxRetries);
            }
            if (outcome != ForwardOutcome.FailedBeforeResponse || attempt >= maxRetries)
            {
                return TypedResults.Empty;
            }
            metrics.RequestRetried(route.Deployment.Name, route.Lease.Replica.Id);
            context.Response.Clear();
        }
    }

    private async Task<ForwardOutcome> ForwardAsync(HttpContext context, string model, Deployment deployment, ReplicaState replica, bool lastAttempt)
    {
        // An unsampled request (nearly all of them at high rates) gets no route span: it would record nothing, and
        // the upstream call carries the trace context on its own.
        using var activity = Activity.Current is { Recorded: false }
            ? null
            : GatewayTelemetry.ActivitySource.StartActivity(GatewayTelemetry.RouteActivityName, ActivityKind.Internal);
        activity?.SetTag(GatewayTelemetry.ModelAttribute, model);
        activity?.SetTag(GatewayTelemetry.DeploymentAttribute, deployment.Name);
        activity?.SetTag(GatewayTelemetry.ReplicaAttribute, replica.Id);

        var started = time.GetTimestamp();
        metrics.RequestStarted(deployment.Name, replica.Id);
        var outcome = ForwardOutcome.FailedBeforeResponse;
        var body = context.Response.Body;
        var timing = new FirstByteTimingStream(body, time);
        context.Response.Body = timing;
        try
        {
            outcome = await forwarder.ForwardAsync(context, deployment, replica, lastAttempt);
            return outcome;
        }
        finally
        {
            context.Response.Body = body;
            RecordTimings(deployment, replica, outcome, started, timing.FirstWriteTimestamp, context.Response.StatusCode);
            var status = outcome == ForwardOutcome.FailedBeforeResponse && !lastAttempt
                ? StatusCodes.Status502BadGateway
                : context.Response.StatusCode;
            RecordOutcome(deployment, replica, outcome, status);
            metrics.RequestCompleted(deployment.Name, replica.Id, status, time.GetElapsedTime(started));
            activity?.SetTag("http.response.status_code", status);
            if (status >= StatusCodes.Status500InternalServerError || outcome == ForwardOutcome.FailedMidResponse)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    private IResult Reject(HttpContext context, Deployment deployment, RejectReason reason)
    {
        metrics.RequestRejected(deployment.Name, reason == RejectReason.QueueTimeout ? Backpressure.QueueTimeoutCode : Backpressure.QueueFullCode);
        return Backpressure.Reject(context, deployment, reason);
    }

    private void RecordTimings(Deployment deployment, ReplicaState replica, ForwardOutcome outcome, long started, long firstByte, int status)
    {
        if (outcome == ForwardOutcome.Completed && status < StatusCodes.Status400BadRequest && firstByte != 0)
        {
            metrics.FirstByte(deployment.Name, replica.Id, time.GetElapsedTime(started, firstByte));
        }
        var kind = outcome switch
        {
            ForwardOutcome.FailedBeforeResponse => "upstream_failed",
            ForwardOutcome.FailedMidResponse => "mid_stream",
            ForwardOutcome.Completed when status >= StatusCodes.Status500InternalServerError => "status_5xx",
            _ => null,
        };
        if (kind is not null)
        {
            metrics.RequestFailed(deployment.Name, replica.Id, kind);
        }
    }

    private void RecordOutcome(Deployment deployment, ReplicaState replica, ForwardOutcome outcome, int status)
    {
        if (outcome == ForwardOutcome.ClientGone)
        {
            return;
        }
        var resilience = options.CurrentValue.Resilience;
        var success = outcome == ForwardOutcome.Completed && status < StatusCodes.Status500InternalServerError;
        if (replica.RecordResult(success, time.GetUtcNow(), resilience.ConsecutiveFailures, resilience.EjectionDuration))
        {
            metrics.ReplicaEjected(deployment.Name, replica.Id);
        }
    }

    private static IResult NoReplicas(HttpContext context, string deployment)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return OpenAiError.Create(StatusCodes.Status503ServiceUnavailable,
            $"Deployment '{deployment}' has no replica available right now. Please retry shortly.",
            OpenAiError.Unavailable, null, "no_replica_available");
    }
}
