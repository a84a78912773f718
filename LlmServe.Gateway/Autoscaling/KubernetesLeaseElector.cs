using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Leader election over a coordination.k8s.io/v1 Lease, so only one gateway replica acts on decisions (all of them
/// compute and publish them). Every third of the lease duration: create the Lease if missing, renew it if held,
/// take it over if its holder let it expire; a conflicting write (409) means another candidate won.
/// </summary>
internal sealed partial class KubernetesLeaseElector(
    IKubernetes client,
    KubernetesNamespace ns,
    KubernetesScalingSettings settings,
    TimeProvider time,
    ILogger<KubernetesLeaseElector> logger) : BackgroundService, ILeaderElector
{
    private volatile bool _isLeader;

    public string Identity { get; } = settings.Identity ?? Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName;

    /// <inheritdoc/>
    public bool IsLeader => _isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.LeaseDurationS / 3), time);
        do
        {
            try
            {
                _isLeader = await TryAcquireOrRenewAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _isLeader = false;
                LogLeaseFailed(logger, ex, settings.LeaseName);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One election round; true when this candidate holds the Lease afterwards.</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var duration = (int)Math.Ceiling(settings.LeaseDurationS);
        V1Lease lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(settings.LeaseName, ns.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var created = new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = settings.LeaseName, NamespaceProperty = ns.Name },
                Spec = new V1LeaseSpec { HolderIdentity = Identity, LeaseDurationSeconds = duration, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
            };
            return await WriteAsync(() => client.CoordinationV1.CreateNamespacedLeaseAsync(created, ns.Name, cancellationToken: cancellationToken));
        }

        var spec = lease.Spec ??= new V1LeaseSpec();
        var held = spec.HolderIdentity == Identity;
        var expired = spec.RenewTime is not { } renewed
            || renewed.ToUniversalTime().AddSeconds(spec.LeaseDurationSeconds ?? duration) < now
            || string.IsNullOrEmpty(spec.HolderIdentity);
        if (!held && !expired)
        {
            return false;
        }

        if (!held)
        {
            spec.HolderIdentity = Identity;
            spec.AcquireTime = now;
            spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
        }
        spec.RenewTime = now;
        spec.LeaseDurationSeconds = duration;

        // The read's resourceVersion stays in the metadata: a concurrent writer makes this replace fail with 409.
        return await WriteAsync(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, settings.LeaseName, ns.Name, cancellationToken: cancellationToken));
    }

    private static async Task<bool> WriteAsync(Func<Task<V1Lease>> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election on Lease {Lease} failed; not leading until the next round")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception, string lease);
}
