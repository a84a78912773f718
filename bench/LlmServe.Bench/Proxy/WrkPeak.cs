using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmServe.Bench.Proxy;

/// <summary>Peak throughput with wrk (closed loop, keep-alive): the POST body comes from a generated Lua script.</summary>
internal static partial class WrkPeak
{
    /// <summary>Requests per second over the run.</summary>
    public static async Task<double> RunAsync(Uri url, string body, int connections, TimeSpan duration) =>
        (await MeasureAsync(url, body, connections, duration)).RequestsPerSecond;

    /// <summary>Requests per second and the number of requests completed in the run.</summary>
    public static async Task<(double RequestsPerSecond, long Requests)> MeasureAsync(Uri url, string body, int connections, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), "llmserve-wrk-post.lua");
        await File.WriteAllTextAsync(script,
            $"wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" +
            // Any non-2xx answer would inflate the rate with cheap errors: count them so the caller can refuse the figure.
            "done = function(summary, latency, requests) io.write(string.format(\"Non2xx: %d\\n\", summary.errors.status)) end\n");
        var output = await Run("wrk", ["-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "-s", script, url.ToString()]);
        var errors = int.Parse(Non2xx().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        if (errors > 0 || output.Contains("Socket errors", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk saw failed requests against {url}:\n{output}");
        }
        return (double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<string> Run(string file, string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} exited with {process.ExitCode}:\n{output}");
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non2xx: (\d+)")]
    private static partial Regex Non2xx();
}
