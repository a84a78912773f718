using System.Globalization;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Gateway.Forwarding;

/// <summary>The OpenAI-shaped answer to a request admission turned away, with <c>Retry-After</c> (Ray Serve's BackPressureError).</summary>
internal static class Backpressure
{
    public const string QueueFullCode = "queue_full";
    public const string QueueTimeoutCode = "queue_timeout";

    public static IResult Reject(HttpContext context, Deployment deployment, RejectReason reason)
    {
        var limits = deployment.Admission;
        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var tooMany = limits.StatusCode == StatusCodes.Status429TooManyRequests;
        var message = reason == RejectReason.QueueTimeout
            ? $"Deployment '{deployment.Name}' is at capacity and your request waited longer than its queue timeout. Please retry."
            : $"Deployment '{deployment.Name}' is at capacity and its queue is full. Please retry after {limits.RetryAfterSeconds} s.";
        return OpenAiError.Create(limits.StatusCode, message, tooMany ? OpenAiError.RateLimit : OpenAiError.Unavailable,
            null, reason == RejectReason.QueueTimeout ? QueueTimeoutCode : QueueFullCode);
    }
}
