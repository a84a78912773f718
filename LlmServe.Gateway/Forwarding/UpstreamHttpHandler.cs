using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace LlmServe.Gateway.Forwarding;

/// <summary>The one connection pool the gateway uses to reach every worker replica.</summary>
internal static class UpstreamHttpHandler
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A handler for a transparent proxy: no proxy, redirects, cookies or decompression (bytes pass through as the
    /// worker sent them), a short connect timeout so a dead replica fails fast, and no overall timeout because a
    /// generation may stream for minutes. The propagator replaces any incoming trace headers with the current
    /// activity's, so the worker's spans join the gateway's trace.
    /// </summary>
    public static SocketsHttpHandler Create() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = ConnectTimeout,
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    };

    public static HttpMessageInvoker CreateInvoker() => new(Create(), disposeHandler: true);
}
