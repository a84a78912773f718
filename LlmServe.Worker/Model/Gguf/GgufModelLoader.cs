using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Model.Llama;
using LlmServe.Worker.Tokenization;
using static TorchSharp.torch;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Builds a <see cref="LoadedModel"/> from a GGUF file of a Llama-family architecture.</summary>
internal static class GgufModelLoader
{
    private static readonly string[] SupportedArchitectures = ["llama", "mistral"];

    public static LoadedModel Load(string path, ScalarType dtype)
    {
        using var file = GgufFile.Open(path);
        var arch = file.Get("general.architecture", "llama");
        if (!SupportedArchitectures.Contains(arch))
        {
            throw new NotSupportedException($"'{path}': architecture '{arch}' is not supported (supported: {string.Join(", ", SupportedArchitectures)}).");
        }
        var tokenizer = LoadTokenizer(file);
        var config = new LlamaConfig
        {
            VocabSize = tokenizer.VocabSize,
            HiddenSize = Required<int>(file, $"{arch}.embedding_length"),
            IntermediateSize = Required<int>(file, $"{arch}.feed_forward_length"),
            NumLayers = Required<int>(file, $"{arch}.block_count"),
            NumHeads = Required<int>(file, $"{arch}.attention.head_count"),
            NumKvHeads = file.Get($"{arch}.attention.head_count_kv", Required<int>(file, $"{arch}.attention.head_count")),
            RmsNormEps = file.Get($"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
            RopeTheta = file.Get($"{arch}.rope.freq_base", 10000.0),
            MaxPositionEmbeddings = file.Get($"{arch}.context_length", 2048),
            RopeInterleaved = true,
        };
        var network = new LlamaModel(config, new GgufWeightSource(file), dtype);
        var template = ParseChatTemplate(file);
        var eos = tokenizer.EosId is int e ? new[] { e } : [];
        var pieces = file.Get("tokenizer.ggml.tokens", Array.Empty<string>());
        return new LoadedModel(network, tokenizer, template, config.MaxPositionEmbeddings, eos,
            TokenText(pieces, tokenizer.BosId), TokenText(pieces, tokenizer.EosId));
    }

    /// <summary>Parses the embedded chat template now, so a model whose template cannot be rendered fails to load.</summary>
    private static ChatTemplate? ParseChatTemplate(GgufFile file)
    {
        if (!file.TryGet<string>("tokenizer.chat_template", out var source) || string.IsNullOrWhiteSpace(source))
        {
            return null;
        }
        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException ex)
        {
            throw new InvalidDataException($"'{file.Path}': its chat template (tokenizer.chat_template) cannot be used: {ex.Message}", ex);
        }
    }

    private static string? TokenText(string[] pieces, int? id) => id is int i && i < pieces.Length ? pieces[i] : null;

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
