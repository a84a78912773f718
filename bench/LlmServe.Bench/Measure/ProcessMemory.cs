namespace LlmServe.Bench.Measure;

/// <summary>Resident set size of a process from <c>/proc/PID/status</c> (Linux only).</summary>
internal static class ProcessMemory
{
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }
        throw new InvalidOperationException($"No VmRSS in /proc/{pid}/status.");
    }
}
