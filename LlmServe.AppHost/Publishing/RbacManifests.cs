using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>The gateway's identity: its autoscaler scales worker Deployments and holds a leader lease.</summary>
internal static class RbacManifests
{
    public const string AutoscalerAccount = "gateway-autoscaler";

    public static IEnumerable<object> Build(PublishOptions options)
    {
        var ns = options.Namespace;
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta.Object(AutoscalerAccount, ns, ResourceNames.Gateway) };
        yield return new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "Role",
            Metadata = Meta.Object(AutoscalerAccount, ns, ResourceNames.Gateway),
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments/scale"], Verbs = ["get", "patch", "update"] },
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], Verbs = ["get", "create", "update"] },
            ],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = Meta.Object(AutoscalerAccount, ns, ResourceNames.Gateway),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = AutoscalerAccount },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = AutoscalerAccount, NamespaceProperty = ns }],
        };
    }
}
