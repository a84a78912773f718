#pragma warning disable ASPIREPIPELINES001 // The pipeline step API is experimental in Aspire 13.6; it is the documented hook for custom publish output.
#pragma warning disable ASPIREPIPELINES004 // IPipelineOutputService (the --output-path folder) is experimental too.
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace LlmServe.AppHost.Publishing;

/// <summary>The Kubernetes/EKS publish step: <c>--operation publish --step publish --output-path DIR</c> writes a kustomize tree.</summary>
internal static class KubernetesPublishingExtensions
{
    public const string StepName = "publish-kubernetes";

    public static IDistributedApplicationBuilder AddKubernetesPublishing(this IDistributedApplicationBuilder builder, TopologyOptions topology)
    {
        var options = PublishOptions.Read(builder.Configuration);
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var files = new KubernetesManifestBuilder(topology, options).Build(context.Model);
            await KustomizeWriter.WriteAsync(output, files, options, context.CancellationToken);
        }, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }
}
