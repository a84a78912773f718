using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using LlmServe.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class DnsReplicaResolverTests
{
    private static readonly Deployment Headless = new("llama", [], new Uri("http://worker-llama:8080"), true, "llmserve", "llama");
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A name server whose answer the test changes; counts lookups.</summary>
    private sealed class Zone
    {
        public IPAddress[] Answer { get; set; } = [];
        public Exception? Failure { get; set; }
        public int Lookups { get; private set; }

        public Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken)
        {
            Lookups++;
            Assert.Equal("worker-llama", host);
            return Failure is null ? Task.FromResult(Answer) : Task.FromException<IPAddress[]>(Failure);
        }
    }

    /// <summary>The resolver handed IP-literal upstreams; records that it was asked.</summary>
    private sealed class InnerResolver : IReplicaResolver
    {
        public ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Uri>>([new Uri(deployment.Upstream, "/inner")]);
    }

    private static DnsReplicaResolver Create(Zone zone, TimeProvider time) =>
        new(new InnerResolver(), zone.LookupAsync, Monitor(new DnsDiscoveryOptions { Enabled = true, RefreshInterval = Refresh }),
            time, NullLogger<DnsReplicaResolver>.Instance);

    private static IOptionsMonitor<DnsDiscoveryOptions> Monitor(DnsDiscoveryOptions value) =>
        new ServiceCollection().Configure<DnsDiscoveryOptions>(o => (o.Enabled, o.RefreshInterval) = (value.Enabled, value.RefreshInterval))
            .BuildServiceProvider().GetRequiredService<IOptionsMonitor<DnsDiscoveryOptions>>();

    private static string[] Addresses(IReadOnlyList<Uri> replicas) => [.. replicas.Select(r => r.ToString())];

    [Fact]
    public async Task Resolve_HeadlessName_OneReplicaPerARecordOnTheUpstreamPort()
    {
        var zone = new Zone { Answer = [IPAddress.Parse("10.0.3.7"), IPAddress.Parse("10.0.1.5")] };

        var replicas = await Create(zone, new FakeTimeProvider()).ResolveAsync(Headless, Cancellation);

        Assert.Equal(["http://10.0.1.5:8080/", "http://10.0.3.7:8080/"], Addresses(replicas));
    }

    [Fact]
    public async Task Resolve_WithinRefreshInterval_ReusesTheSetThenLooksUpAgain()
    {
        var zone = new Zone { Answer = [IPAddress.Parse("10.0.1.5")] };
        var time = new FakeTimeProvider();
        var resolver = Create(zone, time);
        await resolver.ResolveAsync(Headless, Cancellation);
        zone.Answer = [IPAddress.Parse("10.0.1.5"), IPAddress.Parse("10.0.2.9")];   // a second pod became ready

        time.Advance(Refresh - TimeSpan.FromSeconds(1));
        var cached = await resolver.ResolveAsync(Headless, Cancellation);
        time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await resolver.ResolveAsync(Headless, Cancellation);

        Assert.Equal(["http://10.0.1.5:8080/"], Addresses(cached));
        Assert.Equal(["http://10.0.1.5:8080/", "http://10.0.2.9:8080/"], Addresses(refreshed));
        Assert.Equal(2, zone.Lookups);
    }

    [Fact]
    public async Task Resolve_UnchangedSet_AnswersWithTheSameListUntilTheSetChanges()
    {
        var zone = new Zone { Answer = [IPAddress.Parse("10.0.1.5")] };
        var time = new FakeTimeProvider();
        var resolver = Create(zone, time);
        var first = await resolver.ResolveAsync(Headless, Cancellation);

        var cached = await resolver.ResolveAsync(Headless, Cancellation);
        time.Advance(Refresh);
        var relookedUp = await resolver.ResolveAsync(Headless, Cancellation);
        zone.Answer = [IPAddress.Parse("10.0.2.9")];
        time.Advance(Refresh);
        var changed = await resolver.ResolveAsync(Headless, Cancellation);

        // The router reuses its replica states while the list instance is the same.
        Assert.Same(first, cached);
        Assert.Same(first, relookedUp);
        Assert.NotSame(first, changed);
        Assert.Equal(["http://10.0.2.9:8080/"], Addresses(changed));
        Assert.Equal(3, zone.Lookups);
    }

    [Fact]
    public async Task Resolve_LookupFailsAfterASuccess_KeepsTheLastSet()
    {
        var zone = new Zone { Answer = [IPAddress.Parse("10.0.1.5")] };
        var time = new FakeTimeProvider();
        var resolver = Create(zone, time);
        await resolver.ResolveAsync(Headless, Cancellation);

        zone.Failure = new SocketException((int)SocketError.TryAgain);
        time.Advance(Refresh);
        var replicas = await resolver.ResolveAsync(Headless, Cancellation);

        Assert.Equal(["http://10.0.1.5:8080/"], Addresses(replicas));
    }

    [Fact]
    public async Task Resolve_FirstLookupFails_Throws()
    {
        var zone = new Zone { Failure = new SocketException((int)SocketError.HostNotFound) };

        await Assert.ThrowsAsync<SocketException>(() => Create(zone, new FakeTimeProvider()).ResolveAsync(Headless, Cancellation).AsTask());
    }

    [Fact]
    public async Task Resolve_IpLiteralUpstream_GoesToTheInnerResolver()
    {
        var zone = new Zone();
        var literal = Headless with { Upstream = new Uri("http://10.0.0.1:8080") };

        var replicas = await Create(zone, new FakeTimeProvider()).ResolveAsync(literal, Cancellation);

        Assert.Equal(["http://10.0.0.1:8080/inner"], Addresses(replicas));
        Assert.Equal(0, zone.Lookups);
    }

    [Fact]
    public async Task Resolve_Disabled_GoesToTheInnerResolver()
    {
        var zone = new Zone { Answer = [IPAddress.Parse("10.0.1.5")] };
        var resolver = new DnsReplicaResolver(new InnerResolver(), zone.LookupAsync, Monitor(new DnsDiscoveryOptions()),
            new FakeTimeProvider(), NullLogger<DnsReplicaResolver>.Instance);

        var replicas = await resolver.ResolveAsync(Headless, Cancellation);

        Assert.Equal(["http://worker-llama:8080/inner"], Addresses(replicas));
        Assert.Equal(0, zone.Lookups);
    }

    [Fact]
    public async Task SystemLookup_Localhost_ResolvesToTheLoopbackAddress()
    {
        var resolver = new DnsReplicaResolver(new InnerResolver(), DnsReplicaResolver.SystemLookup,
            Monitor(new DnsDiscoveryOptions { Enabled = true }), TimeProvider.System, NullLogger<DnsReplicaResolver>.Instance);

        var replicas = await resolver.ResolveAsync(Headless with { Upstream = new Uri("http://localhost:8080") }, Cancellation);

        Assert.Contains("http://127.0.0.1:8080/", Addresses(replicas));
    }

    [Fact]
    public async Task Gateway_DnsEnabled_RoutesToTheResolvedAddressOverHttp()
    {
        await using var worker = await FakeWorker.StartAsync();
        await using var gateway = TestGateway.Start(new Dictionary<string, string?>
        {
            ["Gateway:Deployments:0:Name"] = "llama",
            ["Gateway:Deployments:0:Upstream"] = $"http://localhost:{worker.BaseAddress.Port}",
            ["Gateway:Dns:Enabled"] = "true",
            ["Gateway:Resilience:HealthCheckInterval"] = null,
        });

        using var response = await gateway.Client.PostAsJsonAsync("/v1/completions", new { model = "llama", prompt = "hi" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Without DNS discovery the replica would be the static http://localhost:PORT itself.
        var replica = Assert.Single(gateway.Services.GetRequiredService<ReplicaStateStore>().Snapshot());
        Assert.Equal($"http://127.0.0.1:{worker.BaseAddress.Port}/", replica.Address.ToString());
    }
}
