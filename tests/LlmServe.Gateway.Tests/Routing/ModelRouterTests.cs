using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class ModelRouterTests
{
    private static readonly Uri ReplicaA = new("http://10.0.0.1:8000");
    private static readonly Uri ReplicaB = new("http://10.0.0.2:8000");

    [Fact]
    public async Task RouteAsync_UnknownModel_ReturnsNotFoundWithRegistry()
    {
        var router = CreateRouter(new FakeResolver([ReplicaA]));

        var route = await router.RouteAsync("nope", TestContext.Current.CancellationToken);

        Assert.Equal(RouteStatus.ModelNotFound, route.Status);
        Assert.False(route.IsRouted);
        Assert.Equal(["llama", "chat"], route.Registry.ServedNames);
    }

    [Fact]
    public async Task RouteAsync_NoEndpoints_ReturnsNoReplicas()
    {
        var router = CreateRouter(new FakeResolver([]));

        var route = await router.RouteAsync("chat", TestContext.Current.CancellationToken);

        Assert.Equal(RouteStatus.NoReplicas, route.Status);
        Assert.Equal("llama", route.Deployment?.Name);
    }

    [Fact]
    public async Task RouteAsync_ResolverThrows_ReturnsNoReplicas()
    {
        var router = CreateRouter(new FakeResolver(null));

        var route = await router.RouteAsync("llama", TestContext.Current.CancellationToken);

        Assert.Equal(RouteStatus.NoReplicas, route.Status);
    }

    [Fact]
    public async Task RouteAsync_Alias_LeasesReplicaUntilDisposed()
    {
        var store = new ReplicaStateStore();
        var router = CreateRouter(new FakeResolver([ReplicaA]), store);

        var route = await router.RouteAsync("chat", TestContext.Current.CancellationToken);

        Assert.True(route.IsRouted);
        Assert.Equal("llama", route.Deployment.Name);
        var replica = route.Lease.Replica;
        Assert.Equal(ReplicaA, replica.Address);
        Assert.Equal(1, replica.InFlightRequests);
        route.Lease.Dispose();
        route.Lease.Dispose();
        Assert.Equal(0, replica.InFlightRequests);
        Assert.Same(replica, store.GetOrAdd("llama", ReplicaA));
    }

    [Fact]
    public async Task RouteAsync_ConcurrentRequests_SpreadOverReplicasByInFlightCount()
    {
        var router = CreateRouter(new FakeResolver([ReplicaA, ReplicaB]));

        // With two replicas power-of-two-choices sees both, so held leases alternate deterministically.
        var first = await router.RouteAsync("llama", TestContext.Current.CancellationToken);
        var second = await router.RouteAsync("llama", TestContext.Current.CancellationToken);

        Assert.True(first.IsRouted && second.IsRouted);
        Assert.NotEqual(first.Lease.Replica.Address, second.Lease.Replica.Address);
    }

    [Fact]
    public async Task RouteAsync_ReplicaListChanges_RoutesOverTheNewListKeepingEachReplicasState()
    {
        var store = new ReplicaStateStore();
        var resolver = new FakeResolver([ReplicaA]);
        var router = CreateRouter(resolver, store);
        var first = await router.RouteAsync("llama", TestContext.Current.CancellationToken);
        var again = await router.RouteAsync("llama", TestContext.Current.CancellationToken);
        Assert.True(first.IsRouted && again.IsRouted);
        Assert.Equal(ReplicaA, first.Lease.Replica.Address);
        Assert.Same(first.Lease.Replica, again.Lease.Replica);

        // Replica A (two requests in flight) is gone, B joined: the next request must land on B.
        resolver.Endpoints = [ReplicaB];
        var moved = await router.RouteAsync("llama", TestContext.Current.CancellationToken);
        resolver.Endpoints = [ReplicaA, ReplicaB];
        var back = await router.RouteAsync("llama", TestContext.Current.CancellationToken);

        Assert.True(moved.IsRouted && back.IsRouted);
        Assert.Equal(ReplicaB, moved.Lease.Replica.Address);
        // A's state (its in-flight count) survived the change: with B at one request and A at two, B wins again.
        Assert.Equal(2, store.GetOrAdd("llama", ReplicaA).InFlightRequests);
        Assert.Same(moved.Lease.Replica, back.Lease.Replica);
    }

    private static ModelRouter CreateRouter(IReplicaResolver resolver, ReplicaStateStore? store = null)
    {
        var options = new GatewayOptions
        {
            Deployments = [new() { Name = "llama", Aliases = ["chat"], Upstream = "http://worker-llama" }],
        };
        var registry = new ModelRegistryProvider(new StaticOptionsMonitor(options), TimeProvider.System);
        return new ModelRouter(registry, resolver, new PowerOfTwoChoicesRoutingPolicy(new RandomFactory()),
            store ?? new ReplicaStateStore(), NullLogger<ModelRouter>.Instance);
    }

    /// <summary>Returns fixed endpoints, or throws when given null (a discovery failure).</summary>
    private sealed class FakeResolver(Uri[]? endpoints) : IReplicaResolver
    {
        public Uri[]? Endpoints { get; set; } = endpoints;

        public ValueTask<IReadOnlyList<Uri>> ResolveAsync(Deployment deployment, CancellationToken cancellationToken) =>
            Endpoints is null
                ? throw new InvalidOperationException("discovery failed")
                : ValueTask.FromResult<IReadOnlyList<Uri>>(Endpoints);
    }

    private sealed class StaticOptionsMonitor(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
