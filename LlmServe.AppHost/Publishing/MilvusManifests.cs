using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>A standalone Milvus StatefulSet (embedded etcd and local storage) and its Service, for the RAG service.</summary>
internal static class MilvusManifests
{
    public const string Name = "milvus";
    public const int Port = 19530;

    public static string Endpoint(MilvusOptions options) => options.IsExternal ? options.Endpoint : $"http://{Name}:{Port}";

    public static IEnumerable<object> Build(PublishOptions options)
    {
        if (options.Milvus.IsExternal)
        {
            yield break;
        }
        var ns = options.Namespace;
        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Meta.Object(Name, ns, "vector-store"),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = Name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Meta.Selector(Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Meta.Labels(Name, "vector-store") },
                    Spec = new V1PodSpec
                    {
                        NodeSelector = new Dictionary<string, string> { ["karpenter.sh/nodepool"] = options.Karpenter.CpuPool.Name },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Name,
                                Image = options.Milvus.Image,
                                Args = ["milvus", "run", "standalone"],
                                Env =
                                [
                                    new V1EnvVar { Name = "ETCD_USE_EMBED", Value = "true" },
                                    new V1EnvVar { Name = "ETCD_DATA_DIR", Value = "/var/lib/milvus/etcd" },
                                    new V1EnvVar { Name = "COMMON_STORAGETYPE", Value = "local" },
                                ],
                                Ports = [new V1ContainerPort { Name = "grpc", ContainerPort = Port }],
                                ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = (IntOrString)9091 }, PeriodSeconds = 10 },
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1"), ["memory"] = new("4Gi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("8Gi") },
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/milvus" }],
                            },
                        ],
                    },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.Milvus.StorageSize) } },
                        },
                    },
                ],
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Meta.Object(Name, ns, "vector-store"),
            Spec = new V1ServiceSpec
            {
                Selector = Meta.Selector(Name),
                Ports = [new V1ServicePort { Name = "grpc", Port = Port, TargetPort = (IntOrString)"grpc" }],
            },
        };
    }
}
