using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Model.Llama;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Builds a <see cref="LoadedModel"/> from a GGUF file of a Llama-family architecture.</summary>
internal static class GgufModelLoader
{
    private static readonly string[] SupportedArchitectures = ["llama", "mistral", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gemma3", "qwen3moe", "granite"];

    /// <summary>llama.cpp's converter permutes q/k of these into adjacent-pair RoPE; the others keep rotate-half.</summary>
    private static readonly string[] InterleavedRopeArchitectures = ["llama", "mistral", "granite"];

    public static LoadedModel Load(string path, ScalarType dtype, int tensorParallelSize = 1, IProgress<LayerProgress>? progress = null,
        int maxModelLen = 0)
    {
        using var file = GgufFile.Open(path);
        var arch = file.Get("general.architecture", "llama");
        if (!SupportedArchitectures.Contains(arch))
        {
            throw new NotSupportedException($"'{path}': architecture '{arch}' is not supported (supported: {string.Join(", ", SupportedArchitectures)}).");
        }
        var tokenizer = GgufTokenizerLoader.Load(file);
        var heads = Required<int>(file, $"{arch}.attention.head_count");
        var hidden = Required<int>(file, $"{arch}.embedding_length");
        var contextLength = file.Get($"{arch}.context_length", 2048);
        var scaling = ReadLongRope(file, arch, contextLength) ?? ReadRopeScaling(file, arch, contextLength);
        var headDim = file.Get($"{arch}.attention.key_length", hidden / heads);
        var experts = file.Get($"{arch}.expert_count", 0);
        var config = new LlamaConfig
        {
            Architecture = arch,
            VocabSize = tokenizer.VocabSize,
            HiddenSize = hidden,
            // A mixture of experts' FFN width is one expert's.
            IntermediateSize = experts > 0 && file.Metadata.ContainsKey($"{arch}.expert_feed_forward_length")
                ? file.Get($"{arch}.expert_feed_forward_length", 0)
                : Required<int>(file, $"{arch}.feed_forward_length"),
            NumExperts = experts,
            ExpertsPerToken = file.Get($"{arch}.expert_used_count", 0),
            NormalizeTopKExperts = file.Get($"{arch}.expert_weights_norm", true),
            NumLayers = Required<int>(file, $"{arch}.block_count"),
            NumHeads = heads,
            NumKvHeads = file.Get($"{arch}.attention.head_count_kv", heads),
            HeadDim = headDim,
            RotaryDim = file.Get($"{arch}.rope.dimension_count", headDim),
            FusedQkv = file.Tensors.ContainsKey("blk.0.attn_qkv.weight"),
            // phi3's ffn_up holds gate and up; no other supported architecture fuses them.
            FusedGateUp = arch == "phi3",
            RmsNormEps = file.Get($"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
            RopeTheta = file.Get($"{arch}.rope.freq_base", 10000.0),
            // Gemma 3's context_length already counts its linear scaling.
            MaxPositionEmbeddings = arch.StartsWith("gemma", StringComparison.Ordinal) ? contextLength : scaling?.ContextLength(contextLength) ?? contextLength,
            RopeScaling = scaling,
            RopeInterleaved = InterleavedRopeArchitectures.Contains(arch),
            AttentionBias = file.Tensors.ContainsKey("blk.0.attn_q.bias"),
            QkNorm = file.Tensors.ContainsKey("blk.0.attn_q_norm.weight"),
            TieWordEmbeddings = !file.Tensors.ContainsKey("output.weight"),
        };
        config = GgufGemmaTraits.Apply(config, file).ForServedContext(maxModelLen);
        if (arch == "granite")
        {
            // llama.cpp's keys for Granite's multipliers; 0 or absent means none.
            double? Key(string name) => file.Get($"{arch}.{name}", 0.0) is var v && v != 0 ? v : null;
            config = config with
            {
                EmbeddingScale = Key("embedding_scale"), AttentionScale = Key("attention.scale"),
                ResidualScale = Key("residual_scale"), LogitScale = Key("logit_scale"),
            };
        }
        var network = new LlamaModel(config, new GgufWeightSource(file), dtype, tensorParallelSize, progress);
        file.TryGet<string>("tokenizer.chat_template", out var source);
        var template = ChatTemplateLoader.Parse(source, $"'{file.Path}' (tokenizer.chat_template)");
        var pieces = file.Get("tokenizer.ggml.tokens", Array.Empty<string>());
        var eos = GgufEndOfGeneration.Ids(file, pieces, tokenizer.EosId);
        return new LoadedModel(network, tokenizer, template, config.MaxPositionEmbeddings, eos,
            TokenText(pieces, tokenizer.BosId), TokenText(pieces, tokenizer.EosId));
    }

    /// <summary>
    /// <c>rope.scaling.type</c> as llama.cpp reads it (older files carry only <c>rope.scale_linear</c>). Llama 3
    /// scaling needs no key: its converter stores per-pair divisors as the <c>rope_freqs</c> tensor instead.
    /// </summary>
    private static RopeScaling? ReadRopeScaling(GgufFile file, string arch, int contextLength)
    {
        var prefix = $"{arch}.rope.scaling.";
        var legacyLinear = file.Get($"{arch}.rope.scale_linear", 1.0);
        var kind = file.Get(prefix + "type", legacyLinear != 1.0 ? "linear" : "none");
        var factor = file.Get(prefix + "factor", legacyLinear);
        if (kind is "linear" or "yarn" && factor <= 0)
        {
            throw new InvalidDataException($"'{file.Path}': {prefix}factor must be positive for '{kind}' scaling.");
        }
        return kind switch
        {
            "none" => null,
            "linear" => factor == 1.0 ? null : new LinearRopeScaling(factor),
            // llama.cpp: cos/sin scaled by attn_factor * (1 + 0.1 ln factor); the band from the two betas.
            "yarn" => new YarnRopeScaling(factor, file.Get(prefix + "original_context_length", contextLength),
                file.Get(prefix + "yarn_beta_fast", 32.0), file.Get(prefix + "yarn_beta_slow", 1.0),
                file.Get(prefix + "yarn_attn_factor", 1.0) * YarnRopeScaling.DefaultMagnitude(factor)),
            _ => throw new NotSupportedException(
                $"'{file.Path}': RoPE scaling '{kind}' ({prefix}type) is not supported (supported: none, linear, yarn)."),
        };
    }

    /// <summary>
    /// Phi-3's LongRoPE, stored by llama.cpp's converter as the rope_factors_short/long tensors with the attention
    /// factor and original context as keys.
    /// </summary>
    private static LongRopeScaling? ReadLongRope(GgufFile file, string arch, int contextLength)
    {
        if (!file.Tensors.TryGetValue("rope_factors_long.weight", out var info) || !file.Tensors.ContainsKey("rope_factors_short.weight"))
        {
            return null;
        }
        var weights = new GgufWeightSource(file);
        double[] Factors(string name)
        {
            using var t = weights.Load(name, [info.ElementCount], ScalarType.Float64);
            return t.data<double>().ToArray();
        }
        var original = file.Get($"{arch}.rope.scaling.original_context_length", contextLength);
        return new LongRopeScaling(Factors("rope_factors_short.weight"), Factors("rope_factors_long.weight"), original,
            file.Get($"{arch}.rope.scaling.attn_factor", LongRopeScaling.DefaultAttentionFactor(contextLength, original)));
    }

    private static string? TokenText(string[] pieces, int? id) => id is int i && i < pieces.Length ? pieces[i] : null;

    private static T Required<T>(GgufFile file, string key) =>
        file.Metadata.ContainsKey(key)
            ? file.Get<T>(key, default!)   // present, so the fallback is never used
            : throw new InvalidDataException($"'{file.Path}' lacks the metadata key '{key}'.");
}
