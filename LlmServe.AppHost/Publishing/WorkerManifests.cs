using System.Globalization;
using LlmServe.AppHost.Kubernetes;
using k8s.Models;

namespace LlmServe.AppHost.Publishing;

/// <summary>One model deployment: a GPU (or CPU, for an encoder) Deployment, the headless Service the gateway resolves to every replica, a PDB.</summary>
internal static class WorkerManifests
{
    private const string GpuResource = "nvidia.com/gpu";
    private const string ModelCacheMount = "/models";

    public static IEnumerable<object> Build(string name, ModelDeploymentOptions deployment, KubernetesPlacementAnnotation placement, PublishOptions options)
    {
        var ns = options.Namespace;
        yield return Deployment(name, deployment, placement, options);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Meta.Object(name, ns, "worker"),
            Spec = new V1ServiceSpec
            {
                // Headless: DNS answers with every ready pod, so the gateway routes to each replica itself.
                ClusterIP = "None",
                Selector = Meta.Selector(name),
                Ports = [new V1ServicePort { Name = Meta.HttpPortName, Port = Meta.ContainerPort, TargetPort = (IntOrString)Meta.HttpPortName }],
            },
        };
        yield return Meta.DisruptionBudget(name, ns, "worker");
        if (options.ModelCache.Equals("Pvc", StringComparison.OrdinalIgnoreCase))
        {
            yield return new V1PersistentVolumeClaim
            {
                ApiVersion = "v1",
                Kind = "PersistentVolumeClaim",
                Metadata = Meta.Object(name + "-model-cache", ns, "worker"),
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteMany"],
                    StorageClassName = options.ModelCacheStorageClass,
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.ModelCacheSize) } },
                },
            };
        }
    }

    private static V1Deployment Deployment(string name, ModelDeploymentOptions deployment, KubernetesPlacementAnnotation placement, PublishOptions options)
    {
        var limits = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(placement.Cpu),
            ["memory"] = new(placement.Memory),
        };
        if (placement.Gpus > 0)
        {
            limits[GpuResource] = new(placement.Gpus.ToString(CultureInfo.InvariantCulture));
        }
        var nodeSelector = new Dictionary<string, string>();
        if (placement.NodePool is { } pool)
        {
            nodeSelector["karpenter.sh/nodepool"] = pool;
        }
        if (placement.InstanceFamilies.Count == 1)
        {
            nodeSelector["karpenter.k8s.aws/instance-family"] = placement.InstanceFamilies[0];
        }
        var container = new V1Container
        {
            Name = "worker",
            // A CPU worker (no GPUs) runs the CPU build: the CUDA image's libraries would only weigh down its node.
            Image = $"{options.ImageRegistry}/{(placement.Gpus > 0 ? options.WorkerImage : options.CpuWorkerImage)}",
            Args = WorkerArgs(deployment, placement),
            Ports = [new V1ContainerPort { Name = Meta.HttpPortName, ContainerPort = Meta.ContainerPort }],
            Env =
            [
                new V1EnvVar { Name = "HF_HUB_CACHE", Value = ModelCacheMount },
                new V1EnvVar
                {
                    Name = "HF_TOKEN",
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = options.HuggingFaceTokenSecret, Key = "HF_TOKEN", Optional = true } },
                },
            ],
            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity>(limits), Limits = limits },
            // Model download and load: the startup probe holds off liveness for the whole budget.
            StartupProbe = Meta.HttpProbe("/health", 10, Math.Max(1, (placement.StartupSeconds + 9) / 10)),
            ReadinessProbe = Meta.HttpProbe("/health", 5, 3),
            LivenessProbe = Meta.HttpProbe("/alive", 10, 3),
            // Leave the Service's endpoints before SIGTERM, then drain in-flight generations within the grace period.
            Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = 15 } } },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "model-cache", MountPath = ModelCacheMount },
                new V1VolumeMount { Name = "dshm", MountPath = "/dev/shm" },
            ],
        };
        var modelCache = options.ModelCache.Equals("Pvc", StringComparison.OrdinalIgnoreCase)
            ? new V1Volume { Name = "model-cache", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = name + "-model-cache" } }
            : new V1Volume { Name = "model-cache", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(options.ModelCacheSize) } };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta.Object(name, options.Namespace, "worker"),
            Spec = new V1DeploymentSpec
            {
                Replicas = placement.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Meta.Selector(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Meta.Labels(name, "worker") },
                    Spec = new V1PodSpec
                    {
                        NodeSelector = nodeSelector.Count == 0 ? null : nodeSelector,
                        Tolerations = placement.Gpus > 0
                            ? [new V1Toleration { Key = GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }]
                            : null,
                        TopologySpreadConstraints = [Meta.SpreadOverZones(name), Meta.SpreadOverNodes(name)],
                        TerminationGracePeriodSeconds = 120,
                        Containers = [container],
                        Volumes =
                        [
                            modelCache,
                            new V1Volume { Name = "dshm", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity(options.SharedMemorySize) } },
                        ],
                    },
                },
            },
        };
    }

    private static List<string> WorkerArgs(ModelDeploymentOptions deployment, KubernetesPlacementAnnotation placement)
    {
        List<string> args = ["--model", deployment.Model, "--served-model-name", deployment.Name, "--dtype", deployment.Dtype,
            "--port", Meta.ContainerPort.ToString(CultureInfo.InvariantCulture), "--download-dir", ModelCacheMount];
        if (placement.TensorParallelSize > 1)
        {
            args.AddRange(["--tensor-parallel-size", placement.TensorParallelSize.ToString(CultureInfo.InvariantCulture)]);
        }
        return args;
    }
}
