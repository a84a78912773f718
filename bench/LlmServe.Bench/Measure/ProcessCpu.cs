using System.Globalization;

namespace LlmServe.Bench.Measure;

/// <summary>
/// CPU time (user + system) a process and its live child processes have used, from <c>/proc</c> (Linux only):
/// nginx serves from worker processes under its master, so a proxy's cost is the sum over the tree.
/// </summary>
internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100;   // USER_HZ: 100 on every Linux ABI .NET runs on

    public static TimeSpan Total(int pid)
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }
            if (Stat(candidate) is { } stat && (candidate == pid || stat.ParentPid == pid))
            {
                ticks += stat.Ticks;
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Parent pid and utime + stime of one process; null once it has gone.</summary>
    private static (int ParentPid, long Ticks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is parenthesized and may hold spaces: count fields after its closing paren.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is state (field 3): ppid is field 4, utime 14, stime 15.
        var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (parent, ticks);
    }
}
