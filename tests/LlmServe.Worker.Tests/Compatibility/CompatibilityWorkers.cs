using LlmServe.Conversion.MiniLm;
using LlmServe.TestUtilities;

namespace LlmServe.Worker.Tests.Compatibility;

/// <summary>
/// One generative worker (the shared TinyStories checkpoint) and one embedding worker (all-MiniLM-L6-v2 by its hub
/// id, converted into a temporary hub cache on first use, as a deployment would), shared by the whole collection.
/// </summary>
public sealed class CompatibilityWorkers : IAsyncLifetime
{
    public const string GenerativeModel = "stories";
    public const string EmbeddingModel = MiniLmConverter.ModelId;

    private readonly string _hubCache = Path.Combine(Path.GetTempPath(), $"llmserve-compat-hub-{Guid.NewGuid():N}");

    public KestrelWorker Generative { get; } = new(new Dictionary<string, string>
    {
        ["Worker:Model"] = TestModels.Stories260K,
        ["Worker:ServedModelName"] = GenerativeModel,
        ["Worker:MaxModelLen"] = "256",
    });

    public KestrelWorker Embedding { get; }

    public CompatibilityWorkers() =>
        Embedding = new(new Dictionary<string, string>
        {
            ["Worker:Model"] = EmbeddingModel,
            ["Worker:DownloadDir"] = _hubCache,
        });

    public async ValueTask InitializeAsync()
    {
        var timeout = TimeSpan.FromSeconds(60);
        await Task.WhenAll(Generative.StartAsync(timeout), Embedding.StartAsync(timeout));
    }

    public async ValueTask DisposeAsync()
    {
        await Generative.DisposeAsync();
        await Embedding.DisposeAsync();
        if (Directory.Exists(_hubCache))
        {
            Directory.Delete(_hubCache, recursive: true);
        }
    }
}
