using System.Runtime.InteropServices;

namespace LlmServe.Bench.Reporting;

/// <summary>What the numbers were measured on, read from /proc so every results file carries it.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, DateTimeOffset When)
{
    public static MachineInfo Read() => new(
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        ProcField("/proc/meminfo", "MemTotal") ?? "unknown",
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);

    private static string? ProcField(string file, string key)
    {
        if (!File.Exists(file))
        {
            return null;
        }
        return File.ReadLines(file)
            .Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }
}
