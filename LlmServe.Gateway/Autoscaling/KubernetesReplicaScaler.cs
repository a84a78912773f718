using k8s;
using k8s.Models;

namespace LlmServe.Gateway.Autoscaling;

/// <summary>
/// Scales a worker Deployment through its scale subresource:
/// <c>PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale</c> with a merge patch <c>{"spec":{"replicas":N}}</c>.
/// Needs RBAC <c>patch</c> on <c>deployments/scale</c> (see docs/autoscaling.md).
/// </summary>
internal sealed class KubernetesReplicaScaler(IKubernetes client, KubernetesNamespace ns) : IReplicaScaler
{
    /// <inheritdoc/>
    public async Task ScaleAsync(string deployment, AutoscalingOptions options, int targetReplicas, CancellationToken cancellationToken)
    {
        var name = options.ScaleTargetName ?? "worker-" + deployment.ToLowerInvariant();
        var patch = new V1Patch(new { spec = new { replicas = targetReplicas } }, V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, name, ns.Name, cancellationToken: cancellationToken);
    }
}
