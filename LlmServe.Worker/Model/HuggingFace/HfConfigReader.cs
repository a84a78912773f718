using System.Text.Json;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>Reads a Hugging Face <c>config.json</c> of a Llama-family model into a <see cref="LlamaConfig"/>.</summary>
internal static class HfConfigReader
{
    private static readonly string[] SupportedTypes = ["llama", "mistral", "qwen2", "qwen3", "phi3"];

    public static LlamaConfig Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var c = doc.RootElement;
        var type = Str(c, "model_type") ?? "";
        if (!SupportedTypes.Contains(type))
        {
            throw new NotSupportedException($"'{path}': model_type '{type}' is not supported (supported: {string.Join(", ", SupportedTypes)}).");
        }
        var heads = Int(c, "num_attention_heads", path);
        var hidden = Int(c, "hidden_size", path);
        var maxPositions = OptionalInt(c, "max_position_embeddings") ?? 2048;
        var scaling = ReadRopeScaling(c, maxPositions, path);
        var headDim = OptionalInt(c, "head_dim") ?? hidden / heads;
        return new LlamaConfig
        {
            Architecture = type,
            VocabSize = Int(c, "vocab_size", path),
            HiddenSize = hidden,
            IntermediateSize = Int(c, "intermediate_size", path),
            NumLayers = Int(c, "num_hidden_layers", path),
            NumHeads = heads,
            NumKvHeads = OptionalInt(c, "num_key_value_heads") ?? heads,
            HeadDim = headDim,
            RotaryDim = (int)(headDim * (OptionalDouble(c, "partial_rotary_factor") ?? 1.0)),
            FusedQkv = type == "phi3",
            FusedGateUp = type == "phi3",
            RmsNormEps = OptionalDouble(c, "rms_norm_eps") ?? 1e-6,
            RopeTheta = OptionalDouble(c, "rope_theta") ?? 10000,
            MaxPositionEmbeddings = scaling?.ContextLength(maxPositions) ?? maxPositions,
            RopeInterleaved = false,
            RopeScaling = scaling,
            // Qwen2 always has q/k/v biases; Llama-style configs say so with attention_bias.
            AttentionBias = type == "qwen2" || (c.TryGetProperty("attention_bias", out var b) && b.ValueKind == JsonValueKind.True),
            QkNorm = type == "qwen3",
            TieWordEmbeddings = c.TryGetProperty("tie_word_embeddings", out var tie) && tie.ValueKind == JsonValueKind.True,
        };
    }

    /// <remarks>
    /// As vLLM reads it: <c>factor</c> is taken as given (transformers may derive YaRN's from the two context
    /// lengths instead), and the served context grows with it.
    /// </remarks>
    private static RopeScaling? ReadRopeScaling(JsonElement c, int maxPositions, string path)
    {
        if (!c.TryGetProperty("rope_scaling", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var kind = Str(s, "rope_type") ?? Str(s, "type");
        double Factor() => OptionalDouble(s, "factor") is double f && f > 0
            ? f
            : throw new InvalidDataException($"'{path}': rope_scaling of type '{kind}' needs a positive 'factor'.");
        return kind switch
        {
            "default" or null => null,
            "llama3" => new Llama3RopeScaling(
                OptionalDouble(s, "factor") ?? 8, OptionalDouble(s, "low_freq_factor") ?? 1,
                OptionalDouble(s, "high_freq_factor") ?? 4, OptionalInt(s, "original_max_position_embeddings") ?? 8192),
            "linear" => new LinearRopeScaling(Factor()),
            "yarn" => new YarnRopeScaling(Factor(), OptionalInt(s, "original_max_position_embeddings") ?? maxPositions,
                OptionalDouble(s, "beta_fast") ?? 32, OptionalDouble(s, "beta_slow") ?? 1, YarnAttentionFactor(s, Factor())),
            _ => throw new NotSupportedException(
                $"'{path}': rope_scaling type '{kind}' is not supported (supported: llama3, linear, yarn)."),
        };
    }

    /// <summary>An explicit attention_factor, else DeepSeek-style mscale / mscale_all_dim, else YaRN's default.</summary>
    private static double? YarnAttentionFactor(JsonElement s, double factor)
    {
        if (OptionalDouble(s, "attention_factor") is double explicitFactor)
        {
            return explicitFactor;
        }
        if (OptionalDouble(s, "mscale") is double m && m != 0 && OptionalDouble(s, "mscale_all_dim") is double all && all != 0)
        {
            double Mscale(double scale) => factor <= 1 ? 1.0 : 0.1 * scale * Math.Log(factor) + 1.0;
            return Mscale(m) / Mscale(all);
        }
        return null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name, string path) =>
        OptionalInt(e, name) ?? throw new InvalidDataException($"'{path}' lacks '{name}'.");

    private static int? OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static double? OptionalDouble(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
