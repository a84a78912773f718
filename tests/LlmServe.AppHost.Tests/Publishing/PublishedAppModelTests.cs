using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using LlmServe.TestUtilities;

namespace LlmServe.AppHost.Tests.Publishing;

/// <summary>The published tree covers the whole app model: the embedding worker, rag/ and agent/ routes, Rag's settings.</summary>
public sealed partial class PublishedAppModelTests
{
    [Fact]
    public async Task Publish_EmbeddingDeployment_IsACpuWorkerBehindAHeadlessService()
    {
        using var tree = await PublishedTree.PublishAsync();

        var objects = Objects(tree, "worker-minilm.yaml");
        var deployment = objects.OfType<V1Deployment>().Single();
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        Assert.Equal("minilm", container.Args[container.Args.IndexOf("--served-model-name") + 1]);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", container.Args[container.Args.IndexOf("--model") + 1]);
        Assert.DoesNotContain("nvidia.com/gpu", container.Resources.Limits.Keys);
        Assert.DoesNotContain("nvidia.com/gpu", container.Resources.Requests.Keys);
        Assert.Null(pod.Tolerations);
        Assert.Equal(new Dictionary<string, string> { ["karpenter.sh/nodepool"] = "cpu" }, pod.NodeSelector);
        Assert.EndsWith("/llmserve-worker", container.Image, StringComparison.Ordinal);
        var headless = objects.OfType<V1Service>().Single();
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, headless.Spec.Selector);
    }

    [Fact]
    public async Task Publish_GatewayTable_HasTheAppModelsRoutesAtTheSameIndices()
    {
        using var tree = await PublishedTree.PublishAsync();
        var published = Config(tree, "gateway.yaml");
        var local = LocalGatewayTable();

        // Names, aliases and owners match key for key; only the upstreams become Service URLs.
        Assert.Equal(WithoutUpstreams(local), WithoutUpstreams(published));
        var upstreams = local.Where(e => e.Key.EndsWith("__Upstream", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, upstreams.Count);
        foreach (var (key, value) in upstreams)
        {
            Assert.Equal(new Uri(value).Host, new Uri(published[key]).Host);
        }
        Assert.Equal(("rag/docs", "http://rag", "llmserve-rag"), Route(published, 2));
        Assert.Equal(("agent/researcher", "http://agents", "llmserve-agents"), Route(published, 5));
        Assert.Equal("http://worker-minilm:8080", published["Gateway__Deployments__1__Upstream"]);
        // The Services those routes name exist, on the port the upstream URL implies.
        Assert.Equal(80, Objects(tree, "rag.yaml").OfType<V1Service>().Single().Spec.Ports.Single().Port);
        Assert.Equal(80, Objects(tree, "agents.yaml").OfType<V1Service>().Single().Spec.Ports.Single().Port);
    }

    [Fact]
    public async Task Publish_Rag_EmbedsWithTheEmbeddingDeploymentAndReadsTheMilvusTokenFromASecret()
    {
        using var tree = await PublishedTree.PublishAsync();

        var config = Config(tree, "rag.yaml");
        Assert.Equal("minilm", config["Rag__EmbeddingModel"]);
        Assert.Equal("http://milvus:19530", config["Rag__VectorStore__Milvus__Endpoint"]);
        Assert.DoesNotContain(config.Keys, k => k.Contains("Token", StringComparison.OrdinalIgnoreCase));
        var token = MilvusToken(tree);
        Assert.Null(token.Value);
        Assert.Equal(("llmserve-milvus", "token"), (token.ValueFrom.SecretKeyRef.Name, token.ValueFrom.SecretKeyRef.Key));
        // The standalone Milvus in the namespace has no authentication: the Secret may be absent.
        Assert.True(token.ValueFrom.SecretKeyRef.Optional);
    }

    [Fact]
    public async Task Publish_ExternalMilvus_RequiresTheTokenSecretAndEmitsNoStatefulSet()
    {
        using var tree = await PublishedTree.PublishAsync("--LlmServe:Publish:Milvus:Mode=External",
            "--LlmServe:Publish:Milvus:Endpoint=https://milvus.example.com:19530", "--LlmServe:Publish:Milvus:TokenSecret=zilliz");

        Assert.Equal("https://milvus.example.com:19530", Config(tree, "rag.yaml")["Rag__VectorStore__Milvus__Endpoint"]);
        var token = MilvusToken(tree);
        Assert.Equal("zilliz", token.ValueFrom.SecretKeyRef.Name);
        Assert.False(token.ValueFrom.SecretKeyRef.Optional);
        Assert.False(File.Exists(Path.Combine(tree.Base, "milvus.yaml")));
        Assert.DoesNotContain("zilliz", File.ReadAllText(Path.Combine(tree.Base, "kustomization.yaml")));
    }

    /// <summary>The gateway's deployment table in the committed Aspire manifest (the local app model; ManifestTests keep it fresh).</summary>
    private static Dictionary<string, string> LocalGatewayTable()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "aspire-manifest.json")));
        var env = manifest.RootElement.GetProperty("resources").GetProperty("gateway").GetProperty("env");
        return env.EnumerateObject().Where(p => DeploymentKey().IsMatch(p.Name)).ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private static SortedDictionary<string, string> WithoutUpstreams(IDictionary<string, string> config) =>
        new(config.Where(e => DeploymentKey().IsMatch(e.Key) && !e.Key.EndsWith("__Upstream", StringComparison.Ordinal))
            .ToDictionary(), StringComparer.Ordinal);

    private static (string, string, string) Route(SortedDictionary<string, string> config, int index) =>
        (config[$"Gateway__Deployments__{index}__Name"], config[$"Gateway__Deployments__{index}__Upstream"], config[$"Gateway__Deployments__{index}__OwnedBy"]);

    private static V1EnvVar MilvusToken(PublishedTree tree) =>
        Objects(tree, "rag.yaml").OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single().Env
            .Single(e => e.Name == "Rag__VectorStore__Milvus__Token");

    private static SortedDictionary<string, string> Config(PublishedTree tree, string file) =>
        new(Objects(tree, file).OfType<V1ConfigMap>().Single().Data, StringComparer.Ordinal);

    private static List<object> Objects(PublishedTree tree, string file) =>
        KubernetesYaml.LoadAllFromString(tree.Read(Path.Combine("base", file)));

    [GeneratedRegex(@"^Gateway__Deployments__\d+__(Name|Upstream|OwnedBy|Aliases__\d+)$")]
    private static partial Regex DeploymentKey();
}
