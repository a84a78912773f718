using k8s;
using k8s.Models;
using LlmServe.TestUtilities;
using YamlDotNet.Serialization;

namespace LlmServe.AppHost.Tests.Publishing;

public sealed class KubernetesPublishTests
{
    /// <summary>Two deployments of different sizes; the large one sharded over 4 GPUs on p4d nodes.</summary>
    private static readonly string[] TwoDeployments =
    [
        "--LlmServe:Deployments:1:Name=llama-70b",
        "--LlmServe:Deployments:1:Model=meta-llama/Llama-3.1-70B-Instruct",
        "--LlmServe:Deployments:1:Dtype=bfloat16",
        "--LlmServe:Deployments:1:TensorParallelSize=4",
        "--LlmServe:Deployments:1:InstanceFamilies:0=p4d",
        "--LlmServe:Deployments:1:Cpu=32",
        "--LlmServe:Deployments:1:Memory=320Gi",
        "--LlmServe:Deployments:1:StartupSeconds=1800",
    ];

    [Fact]
    public async Task Publish_Twice_WritesIdenticalFiles()
    {
        using var first = await PublishedTree.PublishAsync(TwoDeployments);
        using var second = await PublishedTree.PublishAsync(TwoDeployments);

        var files = Files(first.Directory);
        Assert.Equal(files, Files(second.Directory));
        Assert.Contains("overlays/dev/kustomization.yaml", files);
        Assert.Contains("overlays/prod/kustomization.yaml", files);
        foreach (var file in files)
        {
            Assert.True(first.Read(file) == second.Read(file), $"{file} differs between two publishes.");
        }
    }

    [Fact]
    public async Task Publish_TwoDeployments_GpuFieldsFollowTheTopology()
    {
        using var tree = await PublishedTree.PublishAsync(TwoDeployments);

        var small = Worker(tree, "worker-smollm2-135m-instruct");
        var large = Worker(tree, "worker-llama-70b");
        var smallContainer = small.Spec.Template.Spec.Containers.Single();
        var largeContainer = large.Spec.Template.Spec.Containers.Single();
        Assert.Equal("1", smallContainer.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("4", largeContainer.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("4", largeContainer.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal("320Gi", largeContainer.Resources.Limits["memory"].ToString());
        Assert.DoesNotContain("--tensor-parallel-size", smallContainer.Args);
        Assert.Equal("4", largeContainer.Args[largeContainer.Args.IndexOf("--tensor-parallel-size") + 1]);
        Assert.Equal(new Dictionary<string, string> { ["karpenter.sh/nodepool"] = "gpu" }, small.Spec.Template.Spec.NodeSelector);
        Assert.Equal(new Dictionary<string, string> { ["karpenter.sh/nodepool"] = "gpu", ["karpenter.k8s.aws/instance-family"] = "p4d" },
            large.Spec.Template.Spec.NodeSelector);
        foreach (var spec in new[] { small.Spec.Template.Spec, large.Spec.Template.Spec })
        {
            var toleration = Assert.Single(spec.Tolerations);
            Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
            Assert.Contains(spec.Volumes, v => v.Name == "dshm" && v.EmptyDir.Medium == "Memory");
        }
        // 1800 s of model loading at a 10 s period.
        Assert.Equal(180, largeContainer.StartupProbe.FailureThreshold);
        Assert.Equal("/alive", largeContainer.LivenessProbe.HttpGet.Path);

        var gatewayConfig = Objects(tree, "gateway.yaml").OfType<V1ConfigMap>().Single().Data;
        Assert.Equal("http://worker-llama-70b:8080", gatewayConfig["Gateway__Deployments__1__Upstream"]);
        Assert.Equal("true", gatewayConfig["Gateway__Dns__Enabled"]);
        Assert.Equal("00:00:10", gatewayConfig["Gateway__Dns__RefreshInterval"]);
        var headless = Objects(tree, "worker-llama-70b.yaml").OfType<V1Service>().Single();
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.Equal(large.Spec.Selector.MatchLabels, headless.Spec.Selector);
        Assert.Equal(8080, headless.Spec.Ports.Single().Port);
    }

    [Fact]
    public async Task Publish_Karpenter_GpuPoolFromOptions()
    {
        using var tree = await PublishedTree.PublishAsync(TwoDeployments);

        var pools = Documents(tree.Read("base/karpenter.yaml")).Where(d => (string)d["kind"] == "NodePool").ToList();
        var gpu = pools.Single(p => (string)Map(p["metadata"])["name"] == "gpu");
        var spec = Map(gpu["spec"]);
        var nodeSpec = Map(Map(spec["template"])["spec"]);
        var requirements = List(nodeSpec["requirements"]).Select(Map).ToDictionary(r => (string)r["key"], r => List(r["values"]).Cast<string>().ToArray());
        Assert.Equal(["g6e", "g5", "p4d"], requirements["karpenter.k8s.aws/instance-family"]);
        Assert.Equal(["amd64"], requirements["kubernetes.io/arch"]);
        Assert.Equal(["on-demand", "spot"], requirements["karpenter.sh/capacity-type"]);
        var taint = Map(Assert.Single(List(nodeSpec["taints"])));
        Assert.Equal(("nvidia.com/gpu", "NoSchedule"), ((string)taint["key"], (string)taint["effect"]));
        Assert.Equal("16", Map(spec["limits"])["nvidia.com/gpu"]);
        Assert.Equal("WhenEmptyOrUnderutilized", Map(spec["disruption"])["consolidationPolicy"]);
        Assert.Contains(pools, p => (string)Map(p["metadata"])["name"] == "cpu");
    }

    [Fact]
    public async Task Publish_AutoscalerRole_GrantsExactlyTheScaleVerbs()
    {
        using var tree = await PublishedTree.PublishAsync(TwoDeployments);

        var role = Objects(tree, "rbac.yaml").OfType<V1Role>().Single();
        var rules = role.Rules.ToDictionary(r => string.Join(',', r.ApiGroups) + "/" + string.Join(',', r.Resources), r => string.Join(',', r.Verbs));
        Assert.Equal(new Dictionary<string, string>
        {
            ["apps/deployments/scale"] = "get,patch,update",
            ["apps/deployments"] = "get,list,watch",
            ["coordination.k8s.io/leases"] = "get,create,update",
        }, rules);
        var gateway = Objects(tree, "gateway.yaml").OfType<V1Deployment>().Single();
        Assert.Equal("gateway-autoscaler", gateway.Spec.Template.Spec.ServiceAccountName);
        Assert.DoesNotContain(Directory.GetFiles(tree.Base).SelectMany(f => Documents(File.ReadAllText(f))), d => (string)d["kind"] == "Secret");
    }

    [Fact]
    public async Task Publish_AutoscaledDeployment_GatewayActuatesItsScaleSubresource()
    {
        using var tree = await PublishedTree.PublishAsync(
            "--LlmServe:Deployments:0:Autoscaling:MinReplicas=1", "--LlmServe:Deployments:0:Autoscaling:InitialReplicas=2",
            "--LlmServe:Deployments:0:Autoscaling:MaxReplicas=4", "--LlmServe:Deployments:0:Autoscaling:UpscaleDelayS=5");

        var config = Objects(tree, "gateway.yaml").OfType<V1ConfigMap>().Single().Data;
        Assert.Equal("Kubernetes", config["Gateway__Autoscaler__Actuator"]);
        Assert.Equal("llmserve", config["Gateway__Autoscaler__Kubernetes__Namespace"]);
        Assert.Equal("4", config["Gateway__Deployments__0__Autoscaling__MaxReplicas"]);
        Assert.Equal("5", config["Gateway__Deployments__0__Autoscaling__UpscaleDelayS"]);
        // Local pool settings stay local: in a cluster the Deployment controller picks the pods to remove.
        Assert.DoesNotContain(config.Keys, k => k.Contains("ReplicaUpstreams", StringComparison.Ordinal) || k.Contains("DrainAboveTarget", StringComparison.Ordinal));
        var worker = Worker(tree, "worker-smollm2-135m-instruct");
        Assert.Equal(2, worker.Spec.Replicas);   // initial_replicas; the autoscaler moves it from there
        // One Deployment per model deployment (the chat model and the embedding worker), none per local pool member.
        Assert.Equal(["worker-minilm.yaml", "worker-smollm2-135m-instruct.yaml"], Files(tree.Base).Where(f => f.StartsWith("worker-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Publish_EveryObject_ValidatesStrictlyOffline()
    {
        using var tree = await PublishedTree.PublishAsync(TwoDeployments);
        var validation = Path.Combine(RepositoryPaths.Root, "tests", "LlmServe.AppHost.Tests", "validation");
        Assert.True(Directory.Exists(Path.Combine(validation, "node_modules")),
            $"{validation}/node_modules is missing: scripts/test.sh provisions it (npm ci --prefix {validation}).");
        var objects = Directory.GetFiles(tree.Base, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal);

        var output = await ProcessRunner.RunAsync("node", [Path.Combine(validation, "validate.mjs"), .. objects], validation, TimeSpan.FromMinutes(1));

        Assert.Contains(", 0 problems", output);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Publish_Overlay_RendersWithKubectlKustomize(string overlay)
    {
        using var tree = await PublishedTree.PublishAsync();
        Assert.True(File.Exists("/usr/bin/kubectl") || File.Exists("/usr/local/bin/kubectl"),
            "kubectl is not installed: scripts/test.sh installs it (apt-get install kubectl).");

        var rendered = await ProcessRunner.RunAsync("kubectl", ["kustomize", Path.Combine(tree.Directory, "overlays", overlay)],
            tree.Directory, TimeSpan.FromMinutes(1));

        Assert.Contains($"llmserve.io/environment: {overlay}", rendered);
        Assert.Contains("kind: NodePool", rendered);
        Assert.Contains("kind: PrometheusRule", rendered);
    }

    private static V1Deployment Worker(PublishedTree tree, string name) =>
        Objects(tree, name + ".yaml").OfType<V1Deployment>().Single();

    private static List<object> Objects(PublishedTree tree, string file) =>
        KubernetesYaml.LoadAllFromString(tree.Read(Path.Combine("base", file)));

    private static List<string> Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static IEnumerable<Dictionary<object, object>> Documents(string yaml) =>
        yaml.Split("\n---\n").Select(d => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(d)).Where(d => d is not null);

    private static Dictionary<object, object> Map(object value) => (Dictionary<object, object>)value;

    private static List<object> List(object value) => (List<object>)value;
}
