using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LlmServe.Bench.Reporting;

/// <summary>What the numbers were measured on, read from /proc so every results file carries it.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, DateTimeOffset When)
{
    public static MachineInfo Read() => new(
        $"{ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString()} ({VectorUnits()})",
        Environment.ProcessorCount,
        ProcField("/proc/meminfo", "MemTotal") ?? "unknown",
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow);

    /// <summary>
    /// The widest vectors the CPU offers: CPU results move with them (torch's bf16 GEMM is oneDNN's only with AVX-512,
    /// and fastest with its BF16 dot products), so a table says which it was measured with.
    /// </summary>
    private static string VectorUnits()
    {
        if (Avx512F.IsSupported)
        {
            var flags = ProcField("/proc/cpuinfo", "flags")?.Split(' ') ?? [];
            return flags.Contains("avx512_bf16") ? "AVX-512 with BF16" : "AVX-512";
        }
        return Avx2.IsSupported ? "AVX2" : RuntimeInformation.ProcessArchitecture.ToString();
    }

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
