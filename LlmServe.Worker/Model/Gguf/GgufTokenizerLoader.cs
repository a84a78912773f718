using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Model.Gguf;

/// <summary>Builds the tokenizer a GGUF file describes (<c>tokenizer.ggml.*</c> metadata).</summary>
internal static class GgufTokenizerLoader
{
    public static ITokenizer Load(GgufFile file)
    {
        var model = file.Get("tokenizer.ggml.model", "");
        if (!file.TryGet<string[]>("tokenizer.ggml.tokens", out var tokens))
        {
            throw new InvalidDataException($"'{file.Path}' has no tokenizer.ggml.tokens.");
        }
        var kinds = file.TryGet<int[]>("tokenizer.ggml.token_type", out var k)
            ? k.Select(x => (TokenKind)x).ToArray()
            : Enumerable.Repeat(TokenKind.Normal, tokens.Length).ToArray();
        var bos = OptionalId(file, "tokenizer.ggml.bos_token_id", tokens.Length);
        var eos = OptionalId(file, "tokenizer.ggml.eos_token_id", tokens.Length);
        return model switch
        {
            "llama" => new SentencePieceBpeTokenizer(tokens,
                file.TryGet<float[]>("tokenizer.ggml.scores", out var s) ? s : new float[tokens.Length], kinds, bos, eos,
                file.Get("tokenizer.ggml.add_bos_token", true), file.Get("tokenizer.ggml.add_space_prefix", true)),
            "gpt2" => LoadByteLevel(file, tokens, kinds, bos, eos),
            _ => throw new NotSupportedException($"'{file.Path}': tokenizer model '{model}' is not supported (supported: llama, gpt2)."),
        };
    }

    /// <remarks>
    /// As in llama.cpp: control tokens are special (matched in text, decoded to nothing), user-defined tokens are
    /// matched in text and decode to their text, and <c>tokenizer.ggml.pre</c> names the pre-tokenizer regex.
    /// </remarks>
    private static ByteLevelBpeTokenizer LoadByteLevel(GgufFile file, string[] tokens, TokenKind[] kinds, int? bos, int? eos)
    {
        if (!file.TryGet<string[]>("tokenizer.ggml.merges", out var merges))
        {
            throw new InvalidDataException($"'{file.Path}' has a gpt2 tokenizer without tokenizer.ggml.merges.");
        }
        var pre = file.Get("tokenizer.ggml.pre", "default");
        var patterns = PreTokenizerPatterns.ForGgufPre(pre)
            ?? throw new NotSupportedException($"'{file.Path}': pre-tokenizer '{pre}' (tokenizer.ggml.pre) is not supported "
                + "(supported: default, gpt-2, llama-bpe/llama3, qwen2, smollm, gpt-4o, tekken, deepseek-coder, deepseek-v3, seed-coder "
                + "and their aliases).");
        var vocab = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var added = new List<AddedToken>();
        for (var i = 0; i < tokens.Length; i++)
        {
            vocab.TryAdd(tokens[i], i);
            if (kinds[i] is TokenKind.Control or TokenKind.UserDefined)
            {
                added.Add(new AddedToken(i, tokens[i], Special: kinds[i] == TokenKind.Control));
            }
        }
        var pairs = merges.Select(m => m.IndexOf(' ', 1) is var sp and > 0
            ? (m[..sp], m[(sp + 1)..])
            : throw new InvalidDataException($"'{file.Path}': merge '{m}' is not two tokens separated by a space."));
        var bpe = new BpeModel(vocab, pairs, new BpeModelOptions(IgnoreMerges: PreTokenizerPatterns.IgnoresMerges(pre)));
        var steps = patterns.Select(p => (Func<string, IEnumerable<string>>)new RegexSplit(p).Split).ToList();
        var addBos = file.Get("tokenizer.ggml.add_bos_token", PreTokenizerPatterns.IgnoresMerges(pre));
        return new ByteLevelBpeTokenizer(tokens, bpe, added, new PreTokenizer(steps), null, bos, eos, addBos);
    }

    /// <summary>Ids out of range (GGUF writes 0xFFFFFFFF for "unset") count as absent.</summary>
    internal static int? OptionalId(GgufFile file, string key, int vocab)
    {
        var value = file.Get(key, uint.MaxValue);
        return value < vocab ? (int)value : null;
    }
}
