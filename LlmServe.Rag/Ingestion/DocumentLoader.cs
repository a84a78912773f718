namespace LlmServe.Rag.Ingestion;

/// <summary>Reads the *.md and *.txt files of a folder (recursively) in a stable order.</summary>
internal static class DocumentLoader
{
    private static readonly string[] Extensions = [".md", ".txt"];

    /// <summary>Every supported file under <paramref name="folder"/>, ordered by name so ingestion is repeatable.</summary>
    public static IReadOnlyList<string> FindFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    public static async Task<SourceDocument> LoadAsync(string folder, string file, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(file, cancellationToken);
        // Forward slashes keep document names identical across operating systems.
        var name = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
        return new SourceDocument(name, TitleOf(name, text), text);
    }

    /// <summary>The first level-1 Markdown heading, else the file name without its extension.</summary>
    public static string TitleOf(string name, string text)
    {
        if (name.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
            {
                if (line.StartsWith("# ", StringComparison.Ordinal) && TextChunker.ParseHeading(line) is { } title)
                {
                    return title;
                }
            }
        }
        return Path.GetFileNameWithoutExtension(name);
    }
}
