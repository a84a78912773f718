namespace LlmServe.Bench.Reporting;

/// <summary>The combined results file: every command's Markdown found in the output folder, in a fixed order.</summary>
internal static class Summary
{
    private static readonly string[] Order = ["worker", "load-time", "constrained", "gateway", "overload", "vectors"];

    public static void Write(string outDir, string summaryFile)
    {
        var parts = Order.Select(name => Path.Combine(outDir, name + ".md")).Where(File.Exists).Select(File.ReadAllText);
        var directory = Path.GetDirectoryName(Path.GetFullPath(summaryFile));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(summaryFile,
            "# LlmServe benchmark results\n\nWritten by `bench/LlmServe.Bench` (see bench/README.md). Ratios are LlmServe / llama.cpp "
            + "unless the row says otherwise.\n\n" + string.Join("\n", parts));
    }
}
