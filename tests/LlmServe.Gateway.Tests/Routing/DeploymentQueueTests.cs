using LlmServe.Gateway.Registry;
using LlmServe.Gateway.Routing;
using Microsoft.Extensions.Time.Testing;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class DeploymentQueueTests
{
    private static readonly IRoutingPolicy Policy = new PowerOfTwoChoicesRoutingPolicy(new RandomFactory());

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Deployment Limited(int maxOngoing, int maxQueued, TimeSpan? timeout = null) =>
        new("llama", [], new Uri("http://10.0.0.1:8000"), true, "o", "llama")
        {
            Admission = new AdmissionLimits(maxOngoing, maxQueued, timeout, 429, 2),
        };

    [Fact]
    public async Task AdmitAsync_ReplicaAtLimit_QueuesUntilSlotReleased()
    {
        var queue = new DeploymentQueue(TimeProvider.System);
        var replica = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var deployment = Limited(maxOngoing: 1, maxQueued: 5);

        var (first, _) = await queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation);
        var second = queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation).AsTask();

        Assert.NotNull(first);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, queue.Queued);
        first.Dispose();
        var (granted, reason) = await second.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.Same(replica, granted?.Replica);
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(1, replica.InFlightRequests);
    }

    [Fact]
    public async Task AdmitAsync_QueueFull_RejectsAtOnce()
    {
        var queue = new DeploymentQueue(TimeProvider.System);
        var replica = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var deployment = Limited(maxOngoing: 1, maxQueued: 1);

        using var held = (await queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation)).Lease;
        var waiting = queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation);
        var (lease, reason) = await queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation);

        Assert.False(waiting.IsCompleted);
        Assert.Null(lease);
        Assert.Equal(RejectReason.QueueFull, reason);
    }

    [Fact]
    public async Task AdmitAsync_HigherPriorityArrivesLater_IsServedFirst()
    {
        var queue = new DeploymentQueue(TimeProvider.System);
        var replica = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var deployment = Limited(maxOngoing: 1, maxQueued: 5);

        var held = (await queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation)).Lease;
        var low = queue.AdmitAsync(deployment, [replica], Policy, priority: 0, Cancellation).AsTask();
        var high = queue.AdmitAsync(deployment, [replica], Policy, priority: 5, Cancellation).AsTask();
        held?.Dispose();

        var (highLease, _) = await high.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.False(low.IsCompleted);
        highLease?.Dispose();
        var (lowLease, _) = await low.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.NotNull(lowLease);
    }

    [Fact]
    public async Task AdmitAsync_WaitsLongerThanQueueTimeout_RejectsWithTimeout()
    {
        var time = new FakeTimeProvider();
        var queue = new DeploymentQueue(time);
        var replica = new ReplicaState("llama", new Uri("http://10.0.0.1:8000"));
        var deployment = Limited(maxOngoing: 1, maxQueued: 5, TimeSpan.FromSeconds(3));

        using var held = (await queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation)).Lease;
        var waiting = queue.AdmitAsync(deployment, [replica], Policy, 0, Cancellation).AsTask();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var (lease, reason) = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        Assert.Null(lease);
        Assert.Equal(RejectReason.QueueTimeout, reason);
        Assert.Equal(0, queue.Queued);
    }
}
