using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace LlmServe.AppHost.Tests;

/// <summary>The default topology's app model (built, not started).</summary>
public sealed class TopologyModelTests
{
    [Fact]
    public async Task EveryResource_HasItsOwnPort_SoNoWorkerAnswersForAnother()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LlmServe_AppHost>(TestContext.Current.CancellationToken);

        var endpoints = builder.Resources.OfType<ProjectResource>()
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select(e => (Resource: r.Name, e.Name, e.Port)))
            .ToArray();

        // The embedding worker is the same project as the chat worker: with the launch profile's fixed port it would
        // collide with it locally (tests randomise ports, so only the model shows the problem).
        Assert.Contains(endpoints, e => e.Resource == "worker-minilm" && e.Name == "http" && e.Port is null);
        var fixedPorts = endpoints.Where(e => e.Port is not null).GroupBy(e => e.Port).Where(g => g.Count() > 1).ToArray();
        Assert.True(fixedPorts.Length == 0, "shared fixed ports: " + string.Join("; ", fixedPorts.Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Resource + "/" + e.Name))}")));
    }
}
