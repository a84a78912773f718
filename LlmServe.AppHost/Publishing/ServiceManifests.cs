using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>A CPU service (gateway, rag, agents): ConfigMap-fed Deployment, ClusterIP Service, PDB.</summary>
internal static class ServiceManifests
{
    public static IEnumerable<object> Build(string name, SortedDictionary<string, string> configuration, PublishOptions options,
        int replicas, string? serviceAccount = null, IReadOnlyList<V1EnvVar>? secrets = null)
    {
        var ns = options.Namespace;
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Meta.Object(name + "-config", ns, name),
            Data = configuration,
        };
        var requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("256Mi") };
        var limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("512Mi") };
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta.Object(name, ns, name),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = Meta.Selector(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Meta.Labels(name, name) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = serviceAccount,
                        NodeSelector = new Dictionary<string, string> { ["karpenter.sh/nodepool"] = options.Karpenter.CpuPool.Name },
                        TopologySpreadConstraints = [Meta.SpreadOverZones(name), Meta.SpreadOverNodes(name)],
                        TerminationGracePeriodSeconds = 60,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = name,
                                Image = $"{options.ImageRegistry}/llmserve-{name}",
                                Ports = [new V1ContainerPort { Name = Meta.HttpPortName, ContainerPort = Meta.ContainerPort }],
                                EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = name + "-config" } }],
                                // Secret references only: the values never appear in the manifests.
                                Env = secrets is { Count: > 0 } ? [.. secrets] : null,
                                Resources = new V1ResourceRequirements { Requests = requests, Limits = limits },
                                ReadinessProbe = Meta.HttpProbe("/health", 5, 3),
                                LivenessProbe = Meta.HttpProbe("/alive", 10, 3),
                                Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = 10 } } },
                            },
                        ],
                    },
                },
            },
        };
        var external = name == ResourceNames.Gateway && options.GatewayExposure.Equals("LoadBalancer", StringComparison.OrdinalIgnoreCase);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Meta.Object(name, ns, name),
            Spec = new V1ServiceSpec
            {
                Type = external ? "LoadBalancer" : "ClusterIP",
                Selector = Meta.Selector(name),
                // Port 80 so in-cluster callers use http://NAME, the same address service discovery gives them locally.
                Ports = [new V1ServicePort { Name = Meta.HttpPortName, Port = 80, TargetPort = (IntOrString)Meta.HttpPortName }],
            },
        };
        if (name == ResourceNames.Gateway && !external)
        {
            yield return Ingress(name, options);
        }
        yield return Meta.DisruptionBudget(name, ns, name);
    }

    private static V1Ingress Ingress(string name, PublishOptions options) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = Meta.Object(name, options.Namespace, name),
        Spec = new V1IngressSpec
        {
            IngressClassName = options.IngressClassName,
            Rules =
            [
                new V1IngressRule
                {
                    Host = options.IngressHost,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = name, Port = new V1ServiceBackendPort { Name = Meta.HttpPortName } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}
