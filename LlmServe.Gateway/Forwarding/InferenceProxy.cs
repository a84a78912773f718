using System.Diagnostics;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Telemetry;
using LlmServe.Gateway.Validation;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// The request path shared by every inference endpoint: buffer and validate the body, route by <c>model</c>,
/// forward to the chosen replica, and account for it (in-flight count, metrics, trace).
/// </summary>
internal sealed class InferenceProxy(ModelRouter router, UpstreamForwarder forwarder, GatewayMetrics metrics, TimeProvider time)
{
    /// <summary>Seconds a client should wait before retrying when a deployment has no replica (workers start in seconds).</summary>
    public const int RetryAfterSeconds = 1;

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
        using (body.Document)
        {
            if (!OpenAiRequestValidator.TryValidate(endpoint, body.Document.RootElement, out model, out var invalid))
            {
                return OpenAiError.BadRequest(invalid.Message, invalid.Param);
            }
            routeRequest = RouteRequestReader.Read(context.Request, body.Document.RootElement, model);
        }

        var route = await router.RouteAsync(routeRequest, cancellationToken);
        if (!route.IsRouted)
        {
            return route.Status switch
            {
                RouteStatus.ModelNotFound => OpenAiError.ModelNotFound(model, route.Registry.ServedNames),
                RouteStatus.Rejected when route.Deployment is not null => Backpressure.Reject(context, route.Deployment, route.RejectReason),
                _ => NoReplicas(context, route.Deployment?.Name ?? model),
            };
        }

        if (model != route.Deployment.UpstreamModel)
        {
            await ModelFieldRewriter.RewriteAsync(context.Request, route.Deployment.UpstreamModel, cancellationToken);
        }
        using (route.Lease)
        {
            await ForwardAsync(context, model, route.Deployment, route.Lease.Replica);
        }
        return TypedResults.Empty;
    }

    private async Task ForwardAsync(HttpContext context, string model, Deployment deployment, ReplicaState replica)
    {
        using var activity = GatewayTelemetry.ActivitySource.StartActivity(GatewayTelemetry.RouteActivityName, ActivityKind.Internal);
        activity?.SetTag(GatewayTelemetry.ModelAttribute, model);
        activity?.SetTag(GatewayTelemetry.DeploymentAttribute, deployment.Name);
        activity?.SetTag(GatewayTelemetry.ReplicaAttribute, replica.Id);

        var started = time.GetTimestamp();
        metrics.RequestStarted(deployment.Name, replica.Id);
        try
        {
            await forwarder.ForwardAsync(context, deployment, replica);
        }
        finally
        {
            var status = context.Response.StatusCode;
            metrics.RequestCompleted(deployment.Name, replica.Id, status, time.GetElapsedTime(started));
            activity?.SetTag("http.response.status_code", status);
            if (status >= StatusCodes.Status500InternalServerError)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
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
