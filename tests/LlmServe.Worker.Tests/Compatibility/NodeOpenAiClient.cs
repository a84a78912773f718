using System.Text.Json;
using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>
/// Runs <c>node/&lt;folder&gt;/run.mjs</c> (npm <c>openai</c> at one pinned version, installed by scripts/test.sh)
/// against the workers and returns the JSON it prints. Fails, never skips, when node or the package is missing.
/// </summary>
internal static class NodeOpenAiClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<JsonElement> RunAsync(string folder, string version, Uri generative, Uri embedding)
    {
        var node = FindOnPath("node")
            ?? throw new InvalidOperationException("node is not installed (or not on PATH): the npm openai compatibility tests need Node.js 20 and npm.");
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "LlmServe.Worker.Tests", "Compatibility", "node", folder);
        var installed = InstalledVersion(directory);
        if (installed != version)
        {
            throw new InvalidOperationException(
                $"npm openai {version} is not installed in {directory} (found: {installed ?? "nothing"}); run scripts/test.sh, " +
                $"which provisions it with `npm ci --prefix {Path.GetRelativePath(RepositoryPaths.Root, directory)}`.");
        }

        var output = await ProcessRunner.RunAsync(node, [Path.Combine(directory, "run.mjs"), generative.ToString(), embedding.ToString()], directory, Timeout);

        // stdout carries one JSON line; anything else (stderr warnings) is ignored.
        var json = output.Split('\n').LastOrDefault(l => l.StartsWith("{\"version\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"node printed no result:\n{output}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static string? InstalledVersion(string directory)
    {
        var package = Path.Combine(directory, "node_modules", "openai", "package.json");
        if (!File.Exists(package))
        {
            return null;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(package));
        return json.RootElement.GetProperty("version").GetString();
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
