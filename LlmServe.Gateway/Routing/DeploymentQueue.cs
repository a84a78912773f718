using LlmServe.Gateway.Registry;

namespace LlmServe.Gateway.Routing;

/// <summary>
/// Ray Serve style admission for one deployment: a request takes a replica slot only while that replica has fewer
/// than <see cref="AdmissionLimits.MaxOngoingRequests"/> in flight; otherwise it waits in a bounded queue ordered by
/// priority (higher first) then arrival, and each released slot goes to the first waiter it can serve.
/// </summary>
/// <remarks>
/// Every slot of a limited deployment is taken under this queue's lock, so the caps cannot be overshot by racing
/// arrivals; a slot is given back outside the lock and then handed on by <see cref="Dispatch"/>.
/// </remarks>
internal sealed class DeploymentQueue(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly SortedSet<Waiter> _waiters = new(WaiterOrder.Instance);
    private long _sequence;

    /// <summary>Requests waiting right now.</summary>
    public int Queued { get { lock (_gate) { return _waiters.Count; } } }

    /// <summary>The most requests that ever waited at once (a test and diagnostics aid).</summary>
    public int MaxQueuedObserved { get; private set; }

    /// <summary>Admits the request to a replica, queues it, or rejects it. Null lease with a reason means rejected.</summary>
    public ValueTask<(ReplicaLease? Lease, RejectReason Reason)> AdmitAsync(
        Deployment deployment, ReplicaState[] candidates, IRoutingPolicy policy, int priority, CancellationToken cancellationToken) =>
        AdmitAsync(deployment, candidates, policy, new RouteRequest(deployment.Name, null, priority), cancellationToken);

    public async ValueTask<(ReplicaLease? Lease, RejectReason Reason)> AdmitAsync(
        Deployment deployment, ReplicaState[] candidates, IRoutingPolicy policy, RouteRequest request, CancellationToken cancellationToken)
    {
        var limits = deployment.Admission;
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryLease(deployment, candidates, policy, request) is { } lease)
            {
                return (lease, RejectReason.None);
            }
            if (limits.MaxQueuedRequests >= 0 && _waiters.Count >= limits.MaxQueuedRequests)
            {
                return (null, RejectReason.QueueFull);
            }
            waiter = new Waiter(deployment, candidates, policy, request, _sequence++);
            _waiters.Add(waiter);
            MaxQueuedObserved = Math.Max(MaxQueuedObserved, _waiters.Count);
        }

        try
        {
            var wait = waiter.Granted.Task;
            return (await (limits.QueueTimeout is { } timeout
                ? wait.WaitAsync(timeout, time, cancellationToken)
                : wait.WaitAsync(cancellationToken)), RejectReason.None);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (!_waiters.Remove(waiter) && waiter.Granted.Task.IsCompletedSuccessfully)
                {
                    // Granted at the same moment it gave up: hand the slot on instead of leaking it.
                    waiter.Granted.Task.Result.Dispose();
                }
            }
            if (ex is OperationCanceledException)
            {
                throw;
            }
            return (null, RejectReason.QueueTimeout);
        }
    }

    /// <summary>Hands freed slots to waiters, best priority first, while any waiter can be served.</summary>
    public void Dispatch()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.ToArray())
            {
                if (TryLease(waiter.Deployment, waiter.Candidates, waiter.Policy, waiter.Request) is not { } lease)
                {
                    continue;
                }
                _waiters.Remove(waiter);
                waiter.Granted.TrySetResult(lease);
            }
        }
    }

    private ReplicaLease? TryLease(Deployment deployment, ReplicaState[] candidates, IRoutingPolicy policy, RouteRequest request)
    {
        var max = deployment.Admission.MaxOngoingRequests;
        var open = candidates.Where(r => r.InFlightRequests < max).ToArray();
        return policy.Pick(deployment, open, request)?.Acquire(Dispatch);
    }

    private sealed record Waiter(Deployment Deployment, ReplicaState[] Candidates, IRoutingPolicy Policy, RouteRequest Request, long Sequence)
    {
        public int Priority => Request.Priority;

        public TaskCompletionSource<ReplicaLease> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class WaiterOrder : IComparer<Waiter>
    {
        public static readonly WaiterOrder Instance = new();

        public int Compare(Waiter? x, Waiter? y) => x is null || y is null
            ? Comparer<object>.Default.Compare(x, y)
            : y.Priority != x.Priority ? y.Priority.CompareTo(x.Priority) : x.Sequence.CompareTo(y.Sequence);
    }
}
