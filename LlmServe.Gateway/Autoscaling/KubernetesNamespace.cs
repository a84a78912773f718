namespace LlmServe.Gateway.Autoscaling;

/// <summary>The namespace the autoscaler works in: configured, else the pod's own (service-account file), else <c>default</c>.</summary>
internal sealed record KubernetesNamespace(string Name)
{
    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public static KubernetesNamespace Resolve(string? configured) =>
        new(!string.IsNullOrWhiteSpace(configured) ? configured
            : File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim()
            : "default");
}
