namespace LlmServe.TestUtilities;

/// <summary>Locates the model files tests read in place (the shared models folder beside the repository).</summary>
public static class TestModels
{
    public const string Stories260KFile = "stories260K.gguf";

    /// <summary>The pretrained TinyStories 260K Llama (GGUF, float32).</summary>
    public static string Stories260K => Find(Stories260KFile);

    public static string Find(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"Model file '{fileName}' was not found in a 'shared/models' folder above {AppContext.BaseDirectory}.", fileName);
    }
}
