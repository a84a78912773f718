using System.Text.Json;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Builds a tokenizer from a Hugging Face <c>tokenizer.json</c> (and optionally <c>tokenizer_config.json</c>):
/// byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM-2), SentencePiece-style BPE with byte fallback (Llama 2,
/// Mistral, SmolLM-1) and WordPiece (BERT).
/// </summary>
internal static class HfTokenizerLoader
{
    public static ITokenizer Load(string tokenizerJsonPath, string? tokenizerConfigPath)
    {
        var config = tokenizerConfigPath is not null && File.Exists(tokenizerConfigPath)
            ? Wrap(tokenizerConfigPath, () => HfTokenizerConfig.Read(tokenizerConfigPath))
            : HfTokenizerConfig.Empty;
        return Wrap(tokenizerJsonPath, () =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(tokenizerJsonPath));
            return Build(doc.RootElement, config, tokenizerJsonPath);
        });
    }

    private static ITokenizer Build(JsonElement root, HfTokenizerConfig config, string path)
    {
        var model = root.GetProperty("model");
        var type = HfTokenizerJson.String(model, "type") ?? (model.TryGetProperty("merges", out _) ? "BPE" : null);
        return type switch
        {
            "BPE" when HfPipelineReader.IsByteLevel(root) => BuildByteLevel(root, model, config, path),
            "BPE" when HfPipelineReader.UsesMetaspace(root) => BuildByteFallback(root, model, config, path),
            "BPE" => throw new NotSupportedException(
                $"'{path}': a BPE model needs a ByteLevel or Metaspace (\"\u2581\") pre-tokenizer/normalizer; this one has neither."),
            "WordPiece" => BuildWordPiece(root, model, path),
            _ => throw new NotSupportedException(
                $"'{path}': tokenizer model type '{type}' is not supported (supported: BPE byte-level, BPE with byte fallback, WordPiece)."),
        };
    }

    private static ByteLevelBpeTokenizer BuildByteLevel(JsonElement root, JsonElement model, HfTokenizerConfig config, string path)
    {
        var (tokens, bpe, added) = ReadBpe(root, model, path);
        var (bos, eos, addBos) = SpecialIds(root, config, tokens);
        return new ByteLevelBpeTokenizer(tokens, bpe, added, HfPipelineReader.ReadByteLevelPreTokenizer(root, path),
            HfPipelineReader.ReadNormalizer(root, path), bos, eos, addBos);
    }

    private static ByteFallbackBpeTokenizer BuildByteFallback(JsonElement root, JsonElement model, HfTokenizerConfig config, string path)
    {
        var (tokens, bpe, added) = ReadBpe(root, model, path);
        var (bos, eos, addBos) = SpecialIds(root, config, tokens);
        return new ByteFallbackBpeTokenizer(tokens, bpe, added, HfPipelineReader.ReadNormalizer(root, path),
            HfPipelineReader.ReadMetaspace(root, path), bos, eos, addBos, HfPipelineReader.DecoderDropsLeadingSpace(root));
    }

    private static (string?[] Tokens, BpeModel Model, List<AddedToken> Added) ReadBpe(JsonElement root, JsonElement model, string path)
    {
        if (!string.IsNullOrEmpty(HfTokenizerJson.String(model, "continuing_subword_prefix"))
            || !string.IsNullOrEmpty(HfTokenizerJson.String(model, "end_of_word_suffix")))
        {
            throw new NotSupportedException($"'{path}': BPE with continuing_subword_prefix or end_of_word_suffix is not supported.");
        }
        var vocab = HfTokenizerJson.ReadVocab(model);
        var added = HfTokenizerJson.ReadAddedTokens(root);
        var unk = HfTokenizerJson.String(model, "unk_token") is string u && vocab.TryGetValue(u, out var unkId) ? unkId : (int?)null;
        var options = new BpeModelOptions(HfTokenizerJson.Flag(model, "ignore_merges"), HfTokenizerJson.Flag(model, "byte_fallback"),
            unk, HfTokenizerJson.Flag(model, "fuse_unk"));
        return (HfTokenizerJson.TokensById(vocab, added), new BpeModel(vocab, HfTokenizerJson.ReadMerges(model), options), added);
    }

    private static WordPieceTokenizer BuildWordPiece(JsonElement root, JsonElement model, string path)
    {
        var vocab = HfTokenizerJson.ReadVocab(model);
        var added = HfTokenizerJson.ReadAddedTokens(root);
        var preTokenizer = root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object ? HfTokenizerJson.String(p, "type") : null;
        if (preTokenizer is not null and not "BertPreTokenizer")
        {
            throw new NotSupportedException($"'{path}': pre-tokenizer '{preTokenizer}' is not supported with WordPiece.");
        }
        var basic = new BertBasicTokenizer(Lowercase: false, StripAccents: false);
        if (root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object)
        {
            if (HfTokenizerJson.String(n, "type") != "BertNormalizer")
            {
                throw new NotSupportedException($"'{path}': normalizer '{HfTokenizerJson.String(n, "type")}' is not supported with WordPiece.");
            }
            var lowercase = HfTokenizerJson.Flag(n, "lowercase", fallback: true);
            basic = new BertBasicTokenizer(lowercase, HfTokenizerJson.Flag(n, "strip_accents", fallback: lowercase),
                HfTokenizerJson.Flag(n, "clean_text", fallback: true), HfTokenizerJson.Flag(n, "handle_chinese_chars", fallback: true));
        }
        var tokens = HfTokenizerJson.TokensById(vocab, added);
        int? Id(string token) => vocab.TryGetValue(token, out var id) ? id : null;
        var cls = HfTokenizerJson.LeadingSpecialToken(root) is string c ? Id(c) : null;
        var sep = HfTokenizerJson.TrailingSpecialToken(root) is string e ? Id(e) : null;
        return new WordPieceTokenizer(tokens, basic, added, HfTokenizerJson.String(model, "unk_token") ?? "[UNK]", cls, sep,
            HfTokenizerJson.String(model, "continuing_subword_prefix") ?? "##",
            model.TryGetProperty("max_input_chars_per_word", out var max) ? max.GetInt32() : 100);
    }

    /// <summary>
    /// BOS/EOS from tokenizer_config.json's token strings; whether BOS is added from its add_bos_token, else from
    /// whether the post-processor puts a special token in front (Llama 3's template does, Qwen2 has none).
    /// </summary>
    private static (int? Bos, int? Eos, bool AddBos) SpecialIds(JsonElement root, HfTokenizerConfig config, string?[] tokens)
    {
        int? Id(string? token) => token is null ? null : Array.IndexOf(tokens, token) is var i and >= 0 ? i : null;
        var leading = HfTokenizerJson.LeadingSpecialToken(root);
        var bos = Id(config.BosToken) ?? Id(leading);
        return (bos, Id(config.EosToken), config.AddBosToken ?? (leading is not null && bos == Id(leading)));
    }

    private static T Wrap<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException
            or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{path}' could not be read as a tokenizer file: {e.Message}", e);
        }
    }
}
