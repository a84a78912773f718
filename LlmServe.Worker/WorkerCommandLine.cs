namespace LlmServe.Worker;

/// <summary>
/// The vLLM-style command line: <c>--model PATH|HUB_ID [--port N] [--served-model-name NAME] [--dtype T] [--max-model-len N]
/// [--download-dir DIR] [--tensor-parallel-size N] [--batch-invariant] ...</c>,
/// mapped onto configuration keys so the same settings also come from environment variables and appsettings.
/// </summary>
internal static class WorkerCommandLine
{
    public static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--model"] = "Worker:Model",
        ["--served-model-name"] = "Worker:ServedModelName",
        ["--dtype"] = "Worker:Dtype",
        ["--max-model-len"] = "Worker:MaxModelLen",
        ["--port"] = "Worker:Port",
        ["--host"] = "Worker:Host",
        ["--block-size"] = "Worker:BlockSize",
        ["--kv-cache-memory-bytes"] = "Worker:KvCacheMemoryBytes",
        ["--enable-prefix-caching"] = "Worker:EnablePrefixCaching",
        ["--max-num-seqs"] = "Worker:MaxNumSeqs",
        ["--max-num-batched-tokens"] = "Worker:MaxNumBatchedTokens",
        ["--scheduling-policy"] = "Worker:SchedulingPolicy",
        ["--download-dir"] = "Worker:DownloadDir",
        ["--tensor-parallel-size"] = "Worker:TensorParallelSize",
        ["--reasoning-parser"] = "Worker:ReasoningParser",
        ["--batch-invariant"] = "Worker:BatchInvariant",
    };

    /// <summary>Switches that may stand alone (vLLM's store-true flags) and their <c>--no-</c> forms.</summary>
    private static readonly HashSet<string> BooleanSwitches = new(StringComparer.Ordinal) { "--enable-prefix-caching", "--batch-invariant" };

    /// <summary>
    /// <paramref name="args"/> with vLLM's flag forms spelled as configuration reads them: a boolean switch standing alone
    /// becomes <c>--switch true</c>, and <c>--no-switch</c> becomes <c>--switch false</c>. Everything else is unchanged.
    /// </summary>
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var normalized = new List<string>(args.Count + 2);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--no-", StringComparison.Ordinal) && BooleanSwitches.Contains("--" + arg[5..]))
            {
                normalized.AddRange(["--" + arg[5..], "false"]);
            }
            else if (BooleanSwitches.Contains(arg) && (i + 1 == args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                normalized.AddRange([arg, "true"]);
            }
            else
            {
                normalized.Add(arg);
            }
        }
        return [.. normalized];
    }

    /// <summary>Host switches ASP.NET Core itself reads from the command line (test hosts pass some of them).</summary>
    private static readonly HashSet<string> HostSwitches = new(StringComparer.OrdinalIgnoreCase)
    {
        "--urls", "--environment", "--contentRoot", "--applicationName", "--webroot", "--http_ports", "--https_ports",
    };

    /// <summary>
    /// The vLLM-style flags (lower-case words joined by dashes) in <paramref name="args"/> that nothing reads. vLLM rejects
    /// unknown flags; taking them silently would let a mistyped setting (<c>--max-num-seq</c>) run the replica with the
    /// default instead. Host switches and configuration keys (<c>--Worker:MaxNumSeqs</c>, <c>--Worker=</c>, which test
    /// hosts pass) are not flags and pass through to configuration as before.
    /// </summary>
    public static IReadOnlyList<string> Unrecognized(IEnumerable<string> args) =>
    [
        .. args.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a.Split('=', 2)[0])
            .Where(name => IsFlagShaped(name) && !SwitchMappings.ContainsKey(name) && !HostSwitches.Contains(name)),
    ];

    private static bool IsFlagShaped(string name) =>
        name.Length > 2 && name.Skip(2).All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    /// <summary>Applies <c>--port</c>/<c>--host</c> as the Kestrel URL unless URLs were set another way (Aspire sets them).</summary>
    public static void ApplyUrls(WebApplicationBuilder builder)
    {
        var port = builder.Configuration["Worker:Port"];
        if (string.IsNullOrEmpty(port))
        {
            return;
        }
        var host = builder.Configuration["Worker:Host"] ?? "0.0.0.0";
        builder.WebHost.UseUrls($"http://{host}:{port}");
    }
}
