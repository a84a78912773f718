using System.Text.Json;
using LlmServe.Conversion.MiniLm;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>
/// Fills the standard Hugging Face hub cache (see <see cref="HubCache"/>) with the files a Llama-family checkpoint
/// needs, once, with progress in the log; <see cref="ModelResolver"/> then reads the model from there.
/// </summary>
internal sealed partial class HuggingFaceHub(HttpClient http, ILogger<HuggingFaceHub> logger)
{
    private static readonly string[] MetadataFiles = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"];

    /// <summary>
    /// Makes sure a hub id (<c>org/name</c>) has a complete snapshot under <paramref name="root"/>, downloading it
    /// once when it has none. Local paths, and the embedding model this build converts itself, need nothing.
    /// </summary>
    public async Task EnsureCachedAsync(string reference, string root, CancellationToken cancellationToken)
    {
        if (!ModelResolver.IsHubId(reference) || reference == MiniLmConverter.ModelId
            || HubCache.FindSnapshot(root, reference) is { } existing && File.Exists(Path.Combine(existing, "config.json")))
        {
            return;
        }
        var repo = HubCache.RepoFolder(root, reference);
        var commit = await ResolveCommitAsync(reference, cancellationToken);
        var snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        foreach (var file in MetadataFiles)
        {
            await DownloadAsync(reference, commit, file, snapshot, required: file is "config.json", cancellationToken);
        }
        if (!await DownloadAsync(reference, commit, "model.safetensors", snapshot, required: false, cancellationToken))
        {
            await DownloadAsync(reference, commit, "model.safetensors.index.json", snapshot, required: true, cancellationToken);
            using var index = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(snapshot, "model.safetensors.index.json"), cancellationToken));
            foreach (var shard in index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct())
            {
                await DownloadAsync(reference, commit, shard, snapshot, required: true, cancellationToken);
            }
        }
        // refs/main is written last: a snapshot it names is complete.
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        await File.WriteAllTextAsync(Path.Combine(repo, "refs", "main"), commit, cancellationToken);
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
