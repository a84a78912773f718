using LlmServe.Gateway.Autoscaling;
using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Tests.Autoscaling;

public sealed class ReplicaPoolResolverTests
{
    private static readonly Uri Replica0 = new("http://127.0.0.1:5101/");
    private static readonly Uri Replica1 = new("http://127.0.0.1:5102/");
    private static readonly Deployment Pool = new("m", [], new Uri("http://127.0.0.1:5101"), true, "llmserve", "m");

    private static (ReplicaPoolResolver Resolver, ReplicaHealthTable Health) Create(int maxHeld = 8, double holdTimeoutS = 30)
    {
        var gateway = new GatewayOptions
        {
            Deployments = [new DeploymentOptions
            {
                Name = "m", Upstream = "http://127.0.0.1:5101",
                Autoscaling = new AutoscalingOptions { MinReplicas = 0, MaxReplicas = 2, ReplicaUpstreams = ["http://127.0.0.1:5102"] },
            }],
        };
        var health = new ReplicaHealthTable();
        var settings = new AutoscalerSettings { MaxHeldRequests = maxHeld, HoldTimeoutS = holdTimeoutS };
        var resolver = new ReplicaPoolResolver(new StaticReplicaResolver(), health,
            new StaticOptionsMonitor<GatewayOptions>(gateway), new StaticOptionsMonitor<AutoscalerSettings>(settings), TimeProvider.System);
        return (resolver, health);
    }

    [Fact]
    public async Task ResolvePool_IndexesMainThenReplicaUpstreams()
    {
        var (resolver, _) = Create();
        var options = resolver.AutoscalingOf("m")!;

        var pool = await resolver.ResolvePoolAsync(Pool, options, TestContext.Current.CancellationToken);

        Assert.Equal([(Replica0, 0), (Replica1, 1)], pool);
    }

    [Fact]
    public async Task Resolve_OnlyReadyNonDrainingReplicas()
    {
        var (resolver, health) = Create();
        health.SetReady(health.GetOrAdd("m", Replica0, 0), true, null);
        var r1 = health.GetOrAdd("m", Replica1, 1);
        health.SetReady(r1, true, null);
        health.SetDraining(r1, true);

        var routable = await resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken);

        Assert.Equal([Replica0], routable);
    }

    [Fact]
    public async Task Resolve_NoReadyReplica_HoldsUntilOneIsReady()
    {
        var (resolver, health) = Create();
        var replica = health.GetOrAdd("m", Replica1, 1);

        var pending = resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken).AsTask();
        await WaitUntil(() => health.HeldRequests("m") == 1);
        Assert.False(pending.IsCompleted);

        health.SetReady(replica, true, null);   // the first replica came up: the held request is served, not dropped

        Assert.Equal([Replica1], await pending.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(0, health.HeldRequests("m"));
    }

    [Fact]
    public async Task Resolve_HoldAfterAnEarlierHoldWasReleased_IsHeldAgain()
    {
        var (resolver, health) = Create();
        var replica = health.GetOrAdd("m", Replica1, 1);
        var first = resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken).AsTask();
        await WaitUntil(() => health.HeldRequests("m") == 1);
        health.SetReady(replica, true, null);
        await first.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        health.SetReady(replica, false, null);   // back to zero replicas

        // The second cold start: held and counted like the first (a released hold leaves the count at 0, not absent).
        var second = resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken).AsTask();
        await WaitUntil(() => health.HeldRequests("m") == 1);
        health.SetReady(replica, true, null);

        Assert.Equal([Replica1], await second.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(0, health.HeldRequests("m"));
    }

    [Fact]
    public async Task WithoutHold_NoReadyReplica_ReturnsEmptyAtOnceAndHoldsNothing()
    {
        var (resolver, health) = Create();
        health.GetOrAdd("m", Replica1, 1);

        // A health check must not wait like a request nor be counted as demand for a pool at zero.
        var routable = await resolver.WithoutHold.ResolveAsync(Pool, TestContext.Current.CancellationToken)
            .AsTask().WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.Empty(routable);
        Assert.Equal(0, health.HeldRequests("m"));
        health.SetReady(health.GetOrAdd("m", Replica0, 0), true, null);
        Assert.Equal([Replica0], await resolver.WithoutHold.ResolveAsync(Pool, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Resolve_HoldIsBounded_ByCountAndTimeout()
    {
        var (resolver, health) = Create(maxHeld: 1, holdTimeoutS: 0.3);

        var first = resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken).AsTask();
        await WaitUntil(() => health.HeldRequests("m") == 1);
        var second = await resolver.ResolveAsync(Pool, TestContext.Current.CancellationToken);   // over the bound: 503 at once

        Assert.Empty(second);
        Assert.Empty(await first.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));   // timed out
        Assert.Equal(0, health.HeldRequests("m"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.True(condition());
    }
}
