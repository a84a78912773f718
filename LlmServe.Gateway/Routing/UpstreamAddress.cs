using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.ServiceDiscovery;

namespace LlmServe.Gateway.Routing;

/// <summary>Pure helpers that turn a deployment's <c>Upstream</c> and resolved endpoints into replica addresses.</summary>
internal static class UpstreamAddress
{
    /// <summary>Accepts absolute URLs whose scheme is http, https, or a service-discovery combination such as https+http.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out Uri? upstream)
    {
        upstream = null;
        if (string.IsNullOrWhiteSpace(value)
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || string.IsNullOrEmpty(uri.Host)
            || !uri.Scheme.Split('+').All(s => s is "http" or "https"))
        {
            return false;
        }
        upstream = uri;
        return true;
    }

    /// <summary>
    /// True when the upstream names one fixed replica rather than a service to discover. Aspire injects endpoints
    /// under the bare resource name (<c>http://worker-llama</c>), so a port, an IP literal or localhost means the
    /// operator pointed at a concrete process.
    /// </summary>
    public static bool IsStatic(Uri upstream) =>
        !upstream.Scheme.Contains('+', StringComparison.Ordinal)
        && (!upstream.IsDefaultPort || upstream.IsLoopback || IPAddress.TryParse(upstream.Host.Trim('[', ']'), out _));

    /// <summary>The base address of one resolved replica; the upstream's first scheme is used when the endpoint has none.</summary>
    public static Uri ToReplicaUri(Uri upstream, EndPoint endPoint)
    {
        var scheme = upstream.Scheme.Split('+')[0];
        return endPoint switch
        {
            UriEndPoint u => u.Uri,
            IPEndPoint ip => new UriBuilder(scheme, ip.Address.ToString(), ip.Port).Uri,
            DnsEndPoint dns => new UriBuilder(scheme, dns.Host, dns.Port > 0 ? dns.Port : -1).Uri,
            _ => throw new NotSupportedException($"Endpoint type {endPoint.GetType().Name} cannot be addressed over HTTP."),
        };
    }

    /// <summary>The prefix YARP appends the incoming path and query to: scheme, authority and any base path, no trailing slash.</summary>
    public static string ToDestinationPrefix(Uri replica) =>
        replica.GetLeftPart(UriPartial.Authority) + replica.AbsolutePath.TrimEnd('/');
}
