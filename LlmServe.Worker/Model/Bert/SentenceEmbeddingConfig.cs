using System.Text.Json;

namespace LlmServe.Worker.Model.Bert;

/// <summary>
/// The sentence-transformers modules after the encoder: pooling (from the Pooling module's config.json) and
/// whether a Normalize module follows (from modules.json). Without modules.json, a folder is taken to be an
/// all-MiniLM-L6-v2-style model: mean pooling (or 1_Pooling/config.json when present), then normalisation.
/// </summary>
internal sealed record SentenceEmbeddingConfig(PoolingMode Pooling, bool Normalize)
{
    public static readonly SentenceEmbeddingConfig Default = new(PoolingMode.Mean, Normalize: true);

    public static SentenceEmbeddingConfig Load(string folder)
    {
        var modulesPath = Path.Combine(folder, "modules.json");
        if (!File.Exists(modulesPath))
        {
            var pooling = Path.Combine(folder, "1_Pooling", "config.json");
            return Default with { Pooling = File.Exists(pooling) ? ReadPooling(pooling) : PoolingMode.Mean };
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(modulesPath));
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"'{modulesPath}' must be a JSON array of modules.");
        }
        var modules = doc.RootElement.EnumerateArray()
            .Select(m => (Type: String(m, "type"), Path: String(m, "path")))
            .ToList();
        var poolingModule = modules.FirstOrDefault(m => m.Type.EndsWith(".Pooling", StringComparison.Ordinal));
        var poolingConfig = poolingModule.Type is null ? null : Path.Combine(folder, poolingModule.Path, "config.json");
        return new SentenceEmbeddingConfig(
            poolingConfig is not null && File.Exists(poolingConfig) ? ReadPooling(poolingConfig) : PoolingMode.Mean,
            modules.Any(m => m.Type.EndsWith(".Normalize", StringComparison.Ordinal)));
    }

    private static PoolingMode ReadPooling(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (root.TryGetProperty("pooling_mode", out var named) && named.ValueKind == JsonValueKind.String)
        {
            // Newer sentence-transformers write the mode by name.
            return named.GetString() switch
            {
                "mean" => PoolingMode.Mean,
                "cls" => PoolingMode.Cls,
                var other => throw new NotSupportedException($"'{path}': pooling mode '{other}' is not supported (mean, cls)."),
            };
        }
        var enabled = root.EnumerateObject()
            .Where(p => p.Name.StartsWith("pooling_mode_", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.True)
            .Select(p => p.Name["pooling_mode_".Length..])
            .ToList();
        return enabled switch
        {
            ["mean_tokens"] => PoolingMode.Mean,
            ["cls_token"] => PoolingMode.Cls,
            _ => throw new NotSupportedException(
                $"'{path}': pooling [{string.Join(", ", enabled)}] is not supported (exactly one of mean_tokens, cls_token)."),
        };
    }

    private static string String(JsonElement module, string name) =>
        module.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
