using LlmServe.TestUtilities;

namespace LlmServe.AppHost.Tests.Publishing;

/// <summary>Runs the AppHost's Kubernetes publish step (the command the deployment guide gives) into a temporary folder.</summary>
internal sealed class PublishedTree : IDisposable
{
    private PublishedTree(string directory) => Directory = directory;

    public string Directory { get; }

    public string Base => Path.Combine(Directory, "base");

    public static async Task<PublishedTree> PublishAsync(params string[] configuration)
    {
        var output = Path.Combine(Path.GetTempPath(), $"llmserve-publish-{Guid.NewGuid():N}");
        var configurationName = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<config>/net10.0/
        await ProcessRunner.RunAsync("dotnet",
            ["run", "--project", "LlmServe.AppHost", "--no-build", "-c", configurationName,
             "--", "--operation", "publish", "--step", "publish", "--output-path", output, .. configuration],
            RepositoryPaths.Root, TimeSpan.FromMinutes(2), ownTempDirectory: true);
        return new PublishedTree(output);
    }

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
