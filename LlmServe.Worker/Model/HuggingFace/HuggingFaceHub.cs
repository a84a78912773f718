using System.Text.Json;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>
/// Resolves a Hugging Face model id (<c>org/name</c>) to a local folder in the standard hub cache
/// (<c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>), downloading the files a
/// Llama-family checkpoint needs once, with progress, when they are not there yet.
/// </summary>
internal sealed partial class HuggingFaceHub(HttpClient http, ILogger<HuggingFaceHub> logger)
{
    private static readonly string[] MetadataFiles = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"];

    public static bool LooksLikeModelId(string reference) =>
        reference.Count(c => c == '/') == 1 && !reference.StartsWith('.') && !reference.StartsWith('/') && !Path.Exists(reference);

    public static string CacheRoot =>
        Environment.GetEnvironmentVariable("HF_HUB_CACHE")
        ?? Path.Combine(Environment.GetEnvironmentVariable("HF_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface"), "hub");

    /// <summary>The cached snapshot folder of <paramref name="modelId"/> at its <c>main</c> revision, if complete.</summary>
    public static string? FindCached(string modelId)
    {
        var repo = Path.Combine(CacheRoot, "models--" + modelId.Replace("/", "--", StringComparison.Ordinal));
        var refFile = Path.Combine(repo, "refs", "main");
        if (!File.Exists(refFile))
        {
            return null;
        }
        var snapshot = Path.Combine(repo, "snapshots", File.ReadAllText(refFile).Trim());
        return File.Exists(Path.Combine(snapshot, "config.json")) ? snapshot : null;
    }

    public async Task<string> ResolveAsync(string modelId, CancellationToken cancellationToken)
    {
        if (FindCached(modelId) is { } cached)
        {
            return cached;
        }
        var repo = Path.Combine(CacheRoot, "models--" + modelId.Replace("/", "--", StringComparison.Ordinal));
        var commit = await ResolveCommitAsync(modelId, cancellationToken);
        var snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        foreach (var file in MetadataFiles)
        {
            await DownloadAsync(modelId, commit, file, snapshot, required: file is "config.json", cancellationToken);
        }
        if (!await DownloadAsync(modelId, commit, "model.safetensors", snapshot, required: false, cancellationToken))
        {
            await DownloadAsync(modelId, commit, "model.safetensors.index.json", snapshot, required: true, cancellationToken);
            using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(snapshot, "model.safetensors.index.json"), cancellationToken));
            foreach (var shard in index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct())
            {
                await DownloadAsync(modelId, commit, shard, snapshot, required: true, cancellationToken);
            }
        }
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        await File.WriteAllTextAsync(Path.Combine(repo, "refs", "main"), commit, cancellationToken);
        return snapshot;
    }

    private async Task<string> ResolveCommitAsync(string modelId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Head, $"https://huggingface.co/{modelId}/resolve/main/config.json");
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues("X-Repo-Commit", out var values) ? values.First() : "main";
    }

    private async Task<bool> DownloadAsync(string modelId, string commit, string file, string folder, bool required, CancellationToken cancellationToken)
    {
        var target = Path.Combine(folder, file);
        if (File.Exists(target))
        {
            return true;
        }
        using var request = Authorized(HttpMethod.Get, $"https://huggingface.co/{modelId}/resolve/{commit}/{file}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return required ? throw new FileNotFoundException($"{modelId}: '{file}' could not be downloaded ({(int)response.StatusCode}).") : false;
        }
        var total = response.Content.Headers.ContentLength;
        var partial = target + ".incomplete";
        await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var sink = File.Create(partial))
        {
            var buffer = new byte[1 << 20];
            long done = 0;
            var lastReported = -1;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                done += read;
                var percent = total > 0 ? (int)(done * 100 / total.Value) : -1;
                if (percent >= lastReported + 5)
                {
                    lastReported = percent;
                    LogProgress(modelId, file, percent, done / (1024 * 1024));
                }
            }
        }
        File.Move(partial, target, overwrite: true);
        return true;
    }

    /// <summary>Gated models (Llama) need the user's token, taken from HF_TOKEN as the hub's own clients do.</summary>
    private static HttpRequestMessage Authorized(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        if (Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {ModelId}/{File}: {Percent}% ({MiB} MiB)")]
    private partial void LogProgress(string modelId, string file, int percent, long miB);
}
