namespace LlmServe.Bench.Setup;

/// <summary>Locations found from the repository layout, so nothing machine-specific is configured.</summary>
internal static class RepoPaths
{
    /// <summary>The Worker's built DLL: Release preferred, then Debug, under the repository that holds this tool.</summary>
    public static string WorkerDll()
    {
        var root = RepositoryRoot();
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var dll = Path.Combine(root, "LlmServe.Worker", "bin", configuration, "net10.0", "linux-x64", "LlmServe.Worker.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }
        throw new FileNotFoundException("No built Worker found; run `dotnet build LlmServe.Worker -c Release` or pass --worker-dll.");
    }

    /// <summary>The gateway's built DLL: Release preferred, then Debug.</summary>
    public static string GatewayDll()
    {
        var root = RepositoryRoot();
        foreach (var configuration in new[] { "Release", "Debug" })
        {
            var dll = Path.Combine(root, "LlmServe.Gateway", "bin", configuration, "net10.0", "LlmServe.Gateway.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }
        throw new FileNotFoundException("No built gateway found; run `dotnet build LlmServe.Gateway -c Release` or pass --gateway-dll.");
    }

    /// <summary>A model file in the shared models folder beside the repository (read in place).</summary>
    public static string SharedModel(string fileName) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "models", fileName));

    /// <summary>Default cache of generated checkpoints: outside the repository, reused across runs.</summary>
    public static string DefaultWorkDir() => Path.Combine(Path.GetTempPath(), "llmserve-bench");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmServe.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("LlmServe.sln not found above the benchmark's folder; pass --worker-dll.");
    }
}
