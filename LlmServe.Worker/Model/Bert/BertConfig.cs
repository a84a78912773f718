using System.Text.Json;

namespace LlmServe.Worker.Model.Bert;

/// <summary>Hyper-parameters of a BERT encoder, as in a Hugging Face config.json of model_type "bert".</summary>
internal sealed record BertConfig
{
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int IntermediateSize { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>Whether config.json describes a BERT model (<c>model_type</c> or an architecture named Bert*).</summary>
    public static bool IsBert(JsonElement config) =>
        (config.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "bert")
        || (config.TryGetProperty("architectures", out var archs) && archs.ValueKind == JsonValueKind.Array
            && archs.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString()!.StartsWith("Bert", StringComparison.Ordinal)));

    public static BertConfig Load(string configPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        var root = doc.RootElement;
        var act = OptionalString(root, "hidden_act", configPath) ?? "gelu";
        if (act != "gelu")
        {
            // gelu_new/gelu_pytorch_tanh and relu BERTs exist but none we serve; refuse rather than embed wrongly.
            throw new NotSupportedException($"'{configPath}': hidden_act '{act}' is not supported (gelu).");
        }
        if (OptionalString(root, "position_embedding_type", configPath) is { } p && p != "absolute")
        {
            throw new NotSupportedException($"'{configPath}': position_embedding_type '{p}' is not supported (absolute).");
        }
        var config = new BertConfig
        {
            VocabSize = Required(root, "vocab_size", configPath),
            HiddenSize = Required(root, "hidden_size", configPath),
            NumLayers = Required(root, "num_hidden_layers", configPath),
            NumHeads = Required(root, "num_attention_heads", configPath),
            IntermediateSize = Required(root, "intermediate_size", configPath),
            MaxPositionEmbeddings = Optional(root, "max_position_embeddings") ?? 512,
            TypeVocabSize = Optional(root, "type_vocab_size") ?? 2,
            LayerNormEps = !root.TryGetProperty("layer_norm_eps", out var eps) ? 1e-12
                : eps.ValueKind == JsonValueKind.Number ? eps.GetDouble()
                : throw new InvalidDataException($"'{configPath}': 'layer_norm_eps' must be a number."),
        };
        config.Validate(configPath);
        return config;
    }

    public void Validate(string source)
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || NumLayers <= 0 || NumHeads <= 0 || IntermediateSize <= 0
            || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0 || HiddenSize % NumHeads != 0)
        {
            throw new InvalidDataException(
                $"'{source}': inconsistent BERT config (vocab {VocabSize}, hidden {HiddenSize}, layers {NumLayers}, heads {NumHeads}, " +
                $"intermediate {IntermediateSize}, positions {MaxPositionEmbeddings}, token types {TypeVocabSize}).");
        }
    }

    private static string? OptionalString(JsonElement root, string name, string path) =>
        !root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new InvalidDataException($"'{path}': '{name}' must be a string.");

    private static int Required(JsonElement root, string name, string path) =>
        Optional(root, name) ?? throw new InvalidDataException($"'{path}' lacks the integer '{name}'.");

    private static int? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
}
