using System.Text.Json;

namespace LlmServe.Worker.Tokenization;

/// <summary>The parts of a Hugging Face <c>tokenizer_config.json</c> the tokenizer needs (the chat template is read elsewhere).</summary>
internal sealed record HfTokenizerConfig(string? BosToken, string? EosToken, bool? AddBosToken)
{
    public static HfTokenizerConfig Empty { get; } = new(null, null, null);

    public static HfTokenizerConfig Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        bool? addBos = root.TryGetProperty("add_bos_token", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? a.GetBoolean()
            : null;
        return new HfTokenizerConfig(TokenText(root, "bos_token"), TokenText(root, "eos_token"), addBos);
    }

    /// <summary>A special token is written either as its text or as an AddedToken object with "content".</summary>
    private static string? TokenText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;
}
