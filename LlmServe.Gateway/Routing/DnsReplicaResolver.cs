using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LlmServe.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Routing;

/// <summary>Looks up the addresses of a host name (the real one is <see cref="DnsReplicaResolver.SystemLookup"/>).</summary>
internal delegate Task<IPAddress[]> DnsLookup(string host, CancellationToken cancellationToken);

/// <summary>
/// Resolves an upstream such as <c>http://worker-llama:8080</c> to one replica per A record of its host, keeping
/// the scheme and port: a Kubernetes headless Service publishes one record per ready pod, which a single
/// connection to the name would never spread over. A set is reused for <see cref="DnsDiscoveryOptions.RefreshInterval"/>
/// and then looked up again (one lookup per host at a time); if a lookup fails, the last set stays in use.
/// Upstreams whose host is an IP address, and every upstream while <see cref="DnsDiscoveryOptions.Enabled"/> is off, go to
/// <paramref name="inner"/>.
/// </summary>
internal sealed partial class DnsReplicaResolver(
    IReplicaResolver inner, DnsLookup lookup, IOptionsMonitor<DnsDiscoveryOptions> options, TimeProvider time, ILogger<DnsReplicaResolver> logger)
    : IReplicaResolver
{
    private readonly ConcurrentDictionary<string, Resolution> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<Resolution>>> _lookups = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The operating system's resolver, A records only (a dual-stack pod would otherwise count twice).</summary>
    public static Task<IPAddress[]> SystemLookup(string host, CancellationToken cancellationToken) =>
        System.Net.Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var upstream = deployment.Upstream;
        if (!options.CurrentValue.Enabled || upstream.HostNameType != UriHostNameType.Dns)
        {
            return await inner.ResolveAsync(deployment, cancellationToken);
        }
        var host = upstream.DnsSafeHost;
        var known = _hosts.GetValueOrDefault(host);
        var resolution = known is not null && time.GetUtcNow() < known.Expires ? known : await RefreshAsync(host, known, cancellationToken);
        return resolution.Replicas(upstream);
    }

    /// <summary>One lookup per host at a time: concurrent callers share it.</summary>
    private async Task<Resolution> RefreshAsync(string host, Resolution? known, CancellationToken cancellationToken)
    {
        var shared = _lookups.GetOrAdd(host, h => new Lazy<Task<Resolution>>(() => LookupAsync(h, known)));
        try
        {
            return await shared.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _lookups.TryRemove(new KeyValuePair<string, Lazy<Task<Resolution>>>(host, shared));
        }
    }

    private async Task<Resolution> LookupAsync(string host, Resolution? known)
    {
        var expires = time.GetUtcNow() + options.CurrentValue.RefreshInterval;
        IPAddress[] addresses;
        try
        {
            // Not the caller's token: the lookup is shared, so one caller giving up must not fail the others.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            addresses = await lookup(host, timeout.Token);
        }
        catch (Exception ex) when (known is not null && ex is SocketException or OperationCanceledException)
        {
            LogLookupFailed(logger, ex, host, known.Addresses.Length);
            return _hosts[host] = known with { Expires = expires };
        }
        // Sorted so an unchanged set compares equal and replicas keep a stable order.
        var sorted = addresses.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToArray();
        if (known is not null && known.Addresses.SequenceEqual(sorted))
        {
            // The same set: keep its replica list, so the router keeps reusing what it built from it.
            return _hosts[host] = known with { Expires = expires };
        }
        LogResolved(logger, host, sorted.Length, string.Join(", ", sorted.Select(a => a.ToString())));
        return _hosts[host] = new Resolution(sorted, expires);
    }

    private sealed record Resolution(IPAddress[] Addresses, DateTimeOffset Expires)
    {
        /// <summary>The last replica list built from these addresses; a copy made to extend the expiry keeps it.</summary>
        private volatile ReplicaList? _replicas;

        /// <summary>One replica address per A record with the upstream's scheme and port, built once per address set.</summary>
        public IReadOnlyList<Uri> Replicas(Uri upstream)
        {
            var port = upstream.IsDefaultPort ? -1 : upstream.Port;
            if (_replicas is { } known && known.Scheme == upstream.Scheme && known.Port == port)
            {
                return known.Uris;
            }
            // "https+http" (Aspire's preference list) names the scheme to use first.
            var scheme = upstream.Scheme.Split('+')[0];
            var uris = Array.ConvertAll(Addresses, a => new UriBuilder(scheme, a.ToString(), port).Uri);
            _replicas = new ReplicaList(upstream.Scheme, port, uris);
            return uris;
        }
    }

    private sealed record ReplicaList(string Scheme, int Port, Uri[] Uris);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream host {Host} resolves to {Count} replicas: {Addresses}")]
    private static partial void LogResolved(ILogger logger, string host, int count, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up upstream host {Host} failed; keeping its {Count} known replicas")]
    private static partial void LogLookupFailed(ILogger logger, Exception ex, string host, int count);
}
