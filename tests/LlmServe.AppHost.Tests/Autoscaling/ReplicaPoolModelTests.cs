using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace LlmServe.AppHost.Tests.Autoscaling;

/// <summary>The app model the AppHost declares for an autoscaled deployment (built, not started).</summary>
public sealed class ReplicaPoolModelTests
{
    private const string Autoscaling = "--LlmServe:Deployments:0:Autoscaling:";

    [Fact]
    public async Task NoAutoscaling_OneWorkerStartedWithTheApp_AndAwaitedByTheGateway()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(TestContext.Current.CancellationToken);

        var workers = Workers(builder);
        var worker = Assert.Single(workers);
        Assert.Equal("worker-stories260k", worker.Name);
        Assert.False(worker.HasAnnotationOfType<ExplicitStartupAnnotation>());
        Assert.Contains(Gateway(builder).Annotations.OfType<WaitAnnotation>(), w => w.Resource == worker);
        Assert.DoesNotContain(await GatewayEnvironmentAsync(builder), e => e.Key.Contains("Autoscaling", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScaleFromZero_DeclaresMaxReplicas_AllStartedOnDemand_AndPassesThePoolToTheGateway()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(
            [Autoscaling + "MinReplicas=0", Autoscaling + "MaxReplicas=3", Autoscaling + "UpscaleDelayS=2"], TestContext.Current.CancellationToken);

        var workers = Workers(builder);
        Assert.Equal(["worker-stories260k", "worker-stories260k-1", "worker-stories260k-2"], workers.Select(w => w.Name));
        Assert.All(workers, w => Assert.True(w.HasAnnotationOfType<ExplicitStartupAnnotation>(), $"{w.Name} starts on demand"));
        // Each further replica has its own endpoint with no fixed port (several on the launch profile's would collide).
        Assert.All(workers.Skip(1), w => Assert.Null(Assert.Single(w.Annotations.OfType<EndpointAnnotation>()).Port));
        Assert.DoesNotContain(Gateway(builder).Annotations.OfType<WaitAnnotation>(), w => workers.Contains(w.Resource));

        var env = await GatewayEnvironmentAsync(builder);
        const string prefix = "Gateway__Deployments__0__Autoscaling__";
        Assert.Equal("0", env[prefix + "MinReplicas"]);
        Assert.Equal("3", env[prefix + "MaxReplicas"]);
        Assert.Equal("2", env[prefix + "UpscaleDelayS"]);
        Assert.Equal("true", env[prefix + "DrainAboveTarget"]);
        Assert.Equal("http://worker-stories260k", env["Gateway__Deployments__0__Upstream"]);
        Assert.Equal("http://worker-stories260k-1", env[prefix + "ReplicaUpstreams__0"]);
        Assert.Equal("http://worker-stories260k-2", env[prefix + "ReplicaUpstreams__1"]);
    }

    [Fact]
    public async Task InitialReplicas_StartWithTheApp_TheRestOnDemand()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(
            [Autoscaling + "MinReplicas=1", Autoscaling + "InitialReplicas=2", Autoscaling + "MaxReplicas=3"], TestContext.Current.CancellationToken);

        var workers = Workers(builder);
        Assert.Equal([false, false, true], workers.Select(w => w.HasAnnotationOfType<ExplicitStartupAnnotation>()));
        var waits = Gateway(builder).Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToArray();
        Assert.Contains("worker-stories260k", waits);
        Assert.Contains("worker-stories260k-1", waits);
        Assert.DoesNotContain("worker-stories260k-2", waits);
    }

    [Theory]
    [InlineData("MinReplicas=3", "MaxReplicas=2")]
    [InlineData("MinReplicas=0", "InitialReplicas=4")]
    public async Task InvalidBounds_FailTheAppHostAtStart(string first, string second)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(
            [Autoscaling + first, Autoscaling + second], TestContext.Current.CancellationToken));

        Assert.Contains("Autoscaling", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Deployment 0's replicas (the embedding worker, worker-minilm, is another deployment).</summary>
    private static ProjectResource[] Workers(IDistributedApplicationTestingBuilder builder) =>
        builder.Resources.OfType<ProjectResource>().Where(r => r.Name.StartsWith("worker-stories260k", StringComparison.Ordinal)).OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();

    private static ProjectResource Gateway(IDistributedApplicationTestingBuilder builder) =>
        builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "gateway");

    // Publish evaluation renders references as expressions instead of waiting for endpoints that are never allocated here.
#pragma warning disable CS0618 // Aspire documents it for tests like this one; its replacement needs a running app's context
    private static async Task<Dictionary<string, string>> GatewayEnvironmentAsync(IDistributedApplicationTestingBuilder builder) =>
        await Gateway(builder).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
}
