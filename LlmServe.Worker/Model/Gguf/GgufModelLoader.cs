using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tokenization;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Builds a <see cref="LoadedModel"/> from a GGUF file of a Llama-family architecture.</summary>
internal static class GgufModelLoader
{
    private static readonly string[] SupportedArchitectures = ["llama", "mistral", "qwen2", "qwen3"];

    /// <summary>llama.cpp's converter permutes q/k of these into adjacent-pair RoPE; the others keep rotate-half.</summary>
    private static readonly string[] InterleavedRopeArchitectures = ["llama", "mistral"];

    public static LoadedModel Load(string path, ScalarType dtype)
    {
        using var file = GgufFile.Open(path);
        var arch = file.Get("general.architecture", "llama");
        if (!SupportedArchitectures.Contains(arch))
        {
            throw new NotSupportedException($"'{path}': architecture '{arch}' is not supported (supported: {string.Join(", ", SupportedArchitectures)}).");
        }
        var tokenizer = LoadTokenizer(file);
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
        var network = new LlamaModel(config, new GgufWeightSource(file), dtype);
        file.TryGet<string>("tokenizer.chat_template", out var template);
        var eos = tokenizer.EosId is int e ? new[] { e } : [];
        return new LoadedModel(network, tokenizer, template, config.MaxPositionEmbeddings, eos);
    }

    private static T Required<T>(GgufFile file, string key) =>
        file.Metadata.ContainsKey(key)
            ? file.Get<T>(key, default!)   // present, so the fallback is never used
            : throw new InvalidDataException($"'{file.Path}' lacks the metadata key '{key}'.");

    private static ITokenizer LoadTokenizer(GgufFile file)
    {
        var model = file.Get("tokenizer.ggml.model", "");
        if (model != "llama")
        {
            throw new NotSupportedException($"'{file.Path}': tokenizer model '{model}' is not supported yet (supported: llama).");
        }
        if (!file.TryGet<string[]>("tokenizer.ggml.tokens", out var tokens))
        {
            throw new InvalidDataException($"'{file.Path}' has no tokenizer.ggml.tokens.");
        }
        var scores = file.TryGet<float[]>("tokenizer.ggml.scores", out var s) ? s : new float[tokens.Length];
        var kinds = file.TryGet<int[]>("tokenizer.ggml.token_type", out var k)
            ? k.Select(x => (TokenKind)x).ToArray()
            : Enumerable.Repeat(TokenKind.Normal, tokens.Length).ToArray();
        return new SentencePieceBpeTokenizer(tokens, scores, kinds,
            OptionalId(file, "tokenizer.ggml.bos_token_id", tokens.Length),
            OptionalId(file, "tokenizer.ggml.eos_token_id", tokens.Length),
            file.Get("tokenizer.ggml.add_bos_token", true),
            file.Get("tokenizer.ggml.add_space_prefix", true));
    }

    /// <summary>Ids out of range (GGUF writes 0xFFFFFFFF for "unset") count as absent.</summary>
    private static int? OptionalId(GgufFile file, string key, int vocab)
    {
        var value = file.Get(key, uint.MaxValue);
        return value < vocab ? (int)value : null;
    }
}
