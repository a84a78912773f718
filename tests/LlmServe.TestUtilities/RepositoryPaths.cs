namespace LlmServe.TestUtilities;

/// <summary>Finds the repository root (the folder holding LlmServe.sln) from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmServe.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new DirectoryNotFoundException($"No LlmServe.sln above {AppContext.BaseDirectory}.");
        }
    }
}
