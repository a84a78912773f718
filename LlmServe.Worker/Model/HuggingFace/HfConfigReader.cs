using System.Text.Json;
using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Model.HuggingFace;

/// <summary>Reads a Hugging Face <c>config.json</c> of a Llama-family model into a <see cref="LlamaConfig"/>.</summary>
internal static class HfConfigReader
{
    private static readonly string[] SupportedTypes = ["llama", "mistral", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gemma3_text", "mixtral", "qwen3_moe", "granite"];

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
        var gemma = type.StartsWith("gemma", StringComparison.Ordinal);
        if (type == "qwen3_moe" && (OptionalInt(c, "decoder_sparse_step") is int step && step != 1
            || c.TryGetProperty("mlp_only_layers", out var dense) && dense.ValueKind == JsonValueKind.Array && dense.GetArrayLength() > 0))
        {
            throw new NotSupportedException($"'{path}': Qwen3-MoE with dense layers (mlp_only_layers, decoder_sparse_step) is not supported.");
        }
        var config = new LlamaConfig
        {
            Architecture = type,
            VocabSize = Int(c, "vocab_size", path),
            HiddenSize = hidden,
            // A mixture of experts' FFN width is one expert's (Qwen3-MoE keeps intermediate_size for its dense layers).
            IntermediateSize = type == "qwen3_moe" ? Int(c, "moe_intermediate_size", path) : Int(c, "intermediate_size", path),
            NumExperts = OptionalInt(c, "num_local_experts") ?? (type == "qwen3_moe" ? Int(c, "num_experts", path) : 0),
            ExpertsPerToken = OptionalInt(c, "num_experts_per_tok") ?? 0,
            // Mixtral always renormalises the chosen experts' weights; Qwen3-MoE says so (transformers' default: no).
            NormalizeTopKExperts = type != "qwen3_moe" || (c.TryGetProperty("norm_topk_prob", out var norm) && norm.ValueKind == JsonValueKind.True),
            NumLayers = Int(c, "num_hidden_layers", path),
            NumHeads = heads,
            NumKvHeads = OptionalInt(c, "num_key_value_heads") ?? heads,
            HeadDim = headDim,
            RotaryDim = (int)(headDim * (OptionalDouble(c, "partial_rotary_factor") ?? 1.0)),
            FusedQkv = type == "phi3",
            FusedGateUp = type == "phi3",
            RmsNormEps = OptionalDouble(c, "rms_norm_eps") ?? 1e-6,
            RopeTheta = OptionalDouble(c, "rope_theta") ?? 10000,
            // Gemma 3's max_position_embeddings already counts its linear scaling.
            MaxPositionEmbeddings = gemma ? maxPositions : scaling?.ContextLength(maxPositions) ?? maxPositions,
            RopeInterleaved = false,
            RopeScaling = scaling,
            // Qwen2 always has q/k/v biases; Llama-style configs say so with attention_bias.
            AttentionBias = type == "qwen2" || (c.TryGetProperty("attention_bias", out var b) && b.ValueKind == JsonValueKind.True),
            QkNorm = type is "qwen3" or "gemma3_text" or "qwen3_moe",
            // Gemma's configuration class ties them unless told otherwise; the others untie.
            TieWordEmbeddings = c.TryGetProperty("tie_word_embeddings", out var tie) ? tie.ValueKind == JsonValueKind.True : gemma,
        };
        // A window as long as the context (Phi-3.5's 262,144) never masks anything: no window at all.
        var window = ReadSlidingWindow(c, type) is int w && w < config.MaxPositionEmbeddings ? w : (int?)null;
        config = config with { SlidingWindow = window, SlidingLayers = window is null ? null : ReadSlidingLayers(c, type, config.NumLayers) };
        return gemma ? HfGemmaTraits.Apply(config, c) : type == "granite" ? Granite(config, c) : config;
    }

    /// <summary>Granite's multipliers on the embeddings, attention scores and residual branches, and divisor of the logits.</summary>
    private static LlamaConfig Granite(LlamaConfig config, JsonElement c) => config with
    {
        EmbeddingScale = OptionalDouble(c, "embedding_multiplier"),
        AttentionScale = OptionalDouble(c, "attention_multiplier"),
        ResidualScale = OptionalDouble(c, "residual_multiplier"),
        LogitScale = OptionalDouble(c, "logits_scaling"),
    };

    /// <summary>The window when the checkpoint's attention slides (transformers applies it; llama.cpp may not).</summary>
    private static int? ReadSlidingWindow(JsonElement c, string type)
    {
        if (type == "gemma" || (type is "qwen2" or "qwen3" && !(c.TryGetProperty("use_sliding_window", out var use) && use.ValueKind == JsonValueKind.True)))
        {
            return null;
        }
        return OptionalInt(c, "sliding_window") is int window && window > 0 ? window : null;
    }

    /// <summary>
    /// Which layers slide: config.json's layer_types when given, else the family's rule (Gemma 2: even layers;
    /// Gemma 3: all but every sliding_window_pattern-th; Qwen: from max_window_layers on); null means all.
    /// </summary>
    private static bool[]? ReadSlidingLayers(JsonElement c, string type, int layers)
    {
        if (c.TryGetProperty("layer_types", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() == layers)
        {
            return [.. types.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String && t.GetString() == "sliding_attention")];
        }
        var pattern = OptionalInt(c, "sliding_window_pattern") ?? 6;
        var firstSliding = OptionalInt(c, "max_window_layers") ?? 28;   // transformers' Qwen2/Qwen3 default
        return type switch
        {
            "gemma2" => [.. Enumerable.Range(0, layers).Select(i => i % 2 == 0)],
            "gemma3_text" => [.. Enumerable.Range(0, layers).Select(i => (i + 1) % pattern != 0)],
            "qwen2" or "qwen3" => [.. Enumerable.Range(0, layers).Select(i => i >= firstSliding)],
            _ => null,
        };
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static double? OptionalDouble(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

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
            "longrope" or "su" => ReadLongRope(c, s, maxPositions, path),
            _ => throw new NotSupportedException(
                $"'{path}': rope_scaling type '{kind}' is not supported (supported: llama3, linear, yarn, longrope)."),
        };
    }

    /// <summary>
    /// Phi-3's factor lists; the original context from rope_scaling or (Phi-3's place for it) the top level; the
    /// attention factor as given, else from factor or max / original positions as transformers computes it.
    /// </summary>
    private static LongRopeScaling ReadLongRope(JsonElement c, JsonElement s, int maxPositions, string path)
    {
        double[] Factors(string name) => s.TryGetProperty(name, out var f) && f.ValueKind == JsonValueKind.Array
            && f.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number && v.GetDouble() > 0)
            ? [.. f.EnumerateArray().Select(v => v.GetDouble())]
            : throw new InvalidDataException($"'{path}': longrope rope_scaling needs '{name}', a list of positive numbers.");
        var original = OptionalInt(s, "original_max_position_embeddings") ?? OptionalInt(c, "original_max_position_embeddings") ?? maxPositions;
        var scale = OptionalDouble(s, "factor") ?? (double)maxPositions / original;
        var attention = OptionalDouble(s, "attention_factor")
            ?? (scale <= 1 ? 1.0 : Math.Sqrt(1 + Math.Log(scale) / Math.Log(original)));
        return new LongRopeScaling(Factors("short_factor"), Factors("long_factor"), original, attention);
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

    private static int Int(JsonElement e, string name, string path) =>
        OptionalInt(e, name) ?? throw new InvalidDataException($"'{path}' lacks '{name}'.");

    private static int? OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
