namespace LlmServe.Checkpoints.Vocab;

/// <summary>
/// Finds the pretrained stories260K GGUF (shared/models/stories260K.gguf in a folder above the working directory
/// or the tool) whose 512-piece tokenizer random checkpoints copy, so that llama.cpp and the Worker tokenize text
/// prompts for them the same, meaningful way.
/// </summary>
public static class StoriesVocabulary
{
    public const int Size = 512;
    private const string FileName = "stories260K.gguf";

    /// <summary>The file's path, or null when no shared/models folder above holds it.</summary>
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "models", FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
