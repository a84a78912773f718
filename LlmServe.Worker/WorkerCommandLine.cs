namespace LlmServe.Worker;

/// <summary>
/// The vLLM-style command line: <c>--model PATH|HUB_ID [--port N] [--served-model-name NAME] [--dtype T] [--max-model-len N]
/// [--download-dir DIR] [--tensor-parallel-size N]</c>,
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
    };

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
