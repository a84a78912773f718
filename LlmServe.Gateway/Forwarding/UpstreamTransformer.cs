using Yarp.ReverseProxy.Forwarder;

namespace LlmServe.Gateway.Forwarding;

/// <summary>
/// YARP's plain copy of the request and response, plus what a reverse proxy owes its upstream: the upstream's own
/// Host (a virtual-hosted OpenAI-compatible server routes on it) and the client's address appended to
/// <c>X-Forwarded-For</c>. YARP's default transformer also computes <c>X-Forwarded-Proto</c>, <c>-Host</c> and
/// <c>-Prefix</c> through its general transform pipeline, about four times the cost of this on every request,
/// for headers no worker reads.
/// </summary>
internal sealed class UpstreamTransformer : HttpTransformer
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static readonly UpstreamTransformer Instance = new();

    private UpstreamTransformer()
    {
    }

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        // The base copy completes synchronously; finish without an async frame when it does.
        var copy = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copy.IsCompletedSuccessfully)
        {
            return FinishAsync(copy, httpContext, proxyRequest);
        }
        Finish(httpContext, proxyRequest);
        return default;
    }

    private static async ValueTask FinishAsync(ValueTask copy, HttpContext httpContext, HttpRequestMessage proxyRequest)
    {
        await copy;
        Finish(httpContext, proxyRequest);
    }

    private static void Finish(HttpContext httpContext, HttpRequestMessage proxyRequest)
    {
        // Null lets HttpClient send the destination's authority instead of the one the client addressed.
        proxyRequest.Headers.Host = null;
        if (httpContext.Connection.RemoteIpAddress is not { } client)
        {
            return;
        }
        var prior = httpContext.Request.Headers[ForwardedForHeader];
        proxyRequest.Headers.Remove(ForwardedForHeader);
        proxyRequest.Headers.TryAddWithoutValidation(ForwardedForHeader,
            prior.Count == 0 ? client.ToString() : $"{prior}, {client}");
    }
}
