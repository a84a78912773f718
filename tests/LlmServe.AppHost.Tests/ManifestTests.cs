using LlmServe.TestUtilities;

namespace LlmServe.AppHost.Tests;

public sealed class ManifestTests
{
    /// <summary>Debug or Release: the folder name above the test's target-framework folder.</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<config>/net10.0/
    [Fact]
    public async Task CommittedManifest_EqualsAFreshGeneration()
    {
        var root = RepositoryPaths.Root;
        // Generated beside the committed file so relative project paths come out the same.
        var fresh = Path.Combine(root, $"aspire-manifest.{Guid.NewGuid():N}.tmp.json");
        try
        {
            // The same command the README gives, on the AppHost this test run already built.
            await ProcessRunner.RunAsync("dotnet",
                ["run", "--project", "LlmServe.AppHost", "--no-build", "-c", BuildConfiguration,
                 "--", "--publisher", "manifest", "--output-path", fresh],
                root, TimeSpan.FromMinutes(2), ownTempDirectory: true);

            var committed = await File.ReadAllTextAsync(Path.Combine(root, "aspire-manifest.json"), TestContext.Current.CancellationToken);
            var generated = await File.ReadAllTextAsync(fresh, TestContext.Current.CancellationToken);
            Assert.True(committed.ReplaceLineEndings() == generated.ReplaceLineEndings(),
                "aspire-manifest.json is stale: regenerate it with " +
                "`dotnet run --project LlmServe.AppHost -- --publisher manifest --output-path $PWD/aspire-manifest.json`.");
        }
        finally
        {
            File.Delete(fresh);
        }
    }

    [Fact]
    public async Task Manifest_CarriesNoMachinePaths()
    {
        var manifest = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "aspire-manifest.json"), TestContext.Current.CancellationToken);

        Assert.DoesNotContain(RepositoryPaths.Root, manifest);
        Assert.DoesNotContain("shared/models", manifest);
    }
}
