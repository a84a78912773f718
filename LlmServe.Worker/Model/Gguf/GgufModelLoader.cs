using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Chat;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Model.Llama;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Builds a <see cref="LoadedModel"/> from a GGUF file of a Llama-family architecture.</summary>
internal static class GgufModelLoader
{
    private static readonly string[] SupportedArchitectures = ["llama", "mistral", "qwen2", "qwen3"];

    /// <summary>llama.cpp's converter permutes q/k of these into adjacent-pair RoPE; the others keep rotate-half.</summary>
    private static readonly string[] InterleavedRopeArchitectures = ["llama", "mistral"];

    public static LoadedModel Load(string path, ScalarType dtype, int tensorParallelSize = 1, IProgress<LayerProgress>? progress = null)
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
        var config = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize,
            HiddenSize = hidden,
            IntermediateSize = Required<int>(file, $"{arch}.feed_forward_length"),
            NumLayers = Required<int>(file, $"{arch}.block_count"),
            NumHeads = heads,
            NumKvHeads = file.Get($"{arch}.attention.head_count_kv", heads),
            HeadDim = file.Get($"{arch}.attention.key_length", hidden / heads),
            RmsNormEps = file.Get($"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
            RopeTheta = file.Get($"{arch}.rope.freq_base", 10000.0),
            MaxPositionEmbeddings = file.Get($"{arch}.context_length", 2048),
            RopeInterleaved = InterleavedRopeArchitectures.Contains(arch),
            AttentionBias = file.Tensors.ContainsKey("blk.0.attn_q.bias"),
            QkNorm = file.Tensors.ContainsKey("blk.0.attn_q_norm.weight"),
            TieWordEmbeddings = !file.Tensors.ContainsKey("output.weight"),
        };
        var network = new LlamaModel(config, new GgufWeightSource(file), dtype, tensorParallelSize, progress);
        file.TryGet<string>("tokenizer.chat_template", out var source);
        var template = ChatTemplateLoader.Parse(source, $"'{file.Path}' (tokenizer.chat_template)");
        var eos = tokenizer.EosId is int e ? new[] { e } : [];
        var pieces = file.Get("tokenizer.ggml.tokens", Array.Empty<string>());
        return new LoadedModel(network, tokenizer, template, config.MaxPositionEmbeddings, eos,
            TokenText(pieces, tokenizer.BosId), TokenText(pieces, tokenizer.EosId));
    }

    private static string? TokenText(string[] pieces, int? id) => id is int i && i < pieces.Length ? pieces[i] : null;

    private static T Required<T>(GgufFile file, string key) =>
        file.Metadata.ContainsKey(key)
            ? file.Get<T>(key, default!)   // present, so the fallback is never used
            : throw new InvalidDataException($"'{file.Path}' lacks the metadata key '{key}'.");
}
