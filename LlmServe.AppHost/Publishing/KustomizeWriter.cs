using System.Text;
using k8s;

namespace LlmServe.AppHost.Publishing;

/// <summary>
/// Writes <c>base/</c> (one YAML file per component plus kustomization.yaml) and <c>overlays/dev</c>, <c>overlays/prod</c>.
/// The same input writes the same bytes: files and keys in fixed order, LF line endings, no timestamps.
/// </summary>
internal static class KustomizeWriter
{
    private static readonly string[] Images = ["llmserve-gateway", "llmserve-rag", "llmserve-agents"];

    public static async Task WriteAsync(string outputDirectory, SortedDictionary<string, IReadOnlyList<object>> files,
        PublishOptions options, CancellationToken cancellationToken)
    {
        var baseDir = Path.Combine(outputDirectory, "base");
        Directory.CreateDirectory(baseDir);
        foreach (var (file, objects) in files)
        {
            var yaml = string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).ReplaceLineEndings("\n").TrimEnd('\n') + "\n"));
            await Write(Path.Combine(baseDir, file), yaml, cancellationToken);
        }
        await Write(Path.Combine(baseDir, "kustomization.yaml"),
            Kustomization(files.Keys, []), cancellationToken);

        string[] images = [.. Images, options.WorkerImage, options.CpuWorkerImage];
        foreach (var (overlay, tag, gatewayReplicas) in new[] { ("dev", "dev", 1), ("prod", "stable", 3) })
        {
            var dir = Path.Combine(outputDirectory, "overlays", overlay);
            Directory.CreateDirectory(dir);
            var extra = new List<string>
            {
                "labels:",
                "  - pairs:",
                $"      llmserve.io/environment: {overlay}",
                "images:",
            };
            extra.AddRange(images.SelectMany(i => new[] { $"  - name: {options.ImageRegistry}/{i}", $"    newTag: {tag}" }));
            extra.AddRange(
            [
                "replicas:",
                "  - name: gateway",
                $"    count: {gatewayReplicas}",
            ]);
            await Write(Path.Combine(dir, "kustomization.yaml"), Kustomization(["../../base"], extra), cancellationToken);
        }
    }

    private static string Kustomization(IEnumerable<string> resources, IEnumerable<string> extra)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        foreach (var resource in resources)
        {
            text.Append("  - ").Append(resource).Append('\n');
        }
        foreach (var line in extra)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    private static Task Write(string path, string content, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, content, new UTF8Encoding(false), cancellationToken);
}
