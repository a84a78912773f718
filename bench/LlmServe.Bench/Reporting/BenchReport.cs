using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmServe.Bench.Reporting;

/// <summary>One command's results: written as <c>NAME.md</c> and <c>NAME.json</c>, then folded into the summary file.</summary>
internal sealed record BenchReport(string Command, MachineInfo Machine, IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<ResultSection> Sections)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## `{Command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Machine.Cpu}, {Machine.Cores} cores, {Machine.Memory}; {Machine.Runtime}; {Machine.When:yyyy-MM-dd HH:mm} UTC.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"))}.");
        foreach (var section in Sections)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"### {section.Title}");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| measurement | unit | LlmServe | {section.PeerColumn} | ratio | target | note |");
            md.AppendLine("|---|---|---:|---:|---:|---|---|");
            foreach (var r in section.Rows)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {r.Unit} | {Format(r.Ours)} | {Format(r.Peer)} | {(r.Ratio is { } x ? Format(x) + "x" : "")} | {r.Target} | {r.Note} |");
            }
        }
        return md.ToString();
    }

    /// <summary>Writes NAME.md and NAME.json into <paramref name="outDir"/>, then rebuilds <paramref name="summaryFile"/>.</summary>
    public void Write(string outDir, string summaryFile)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, Command + ".md"), ToMarkdown());
        File.WriteAllText(Path.Combine(outDir, Command + ".json"), JsonSerializer.Serialize(this, JsonOptions));
        Summary.Write(outDir, summaryFile);
        Console.WriteLine($"Wrote {Path.Combine(outDir, Command + ".md")}, .json and {summaryFile}");
    }

    private static string Format(double? value) => value switch
    {
        null => "",
        double v when double.IsNaN(v) => "n/a",
        double v when Math.Abs(v) >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        double v when Math.Abs(v) >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        double v => v.ToString("F2", CultureInfo.InvariantCulture),
    };
}
