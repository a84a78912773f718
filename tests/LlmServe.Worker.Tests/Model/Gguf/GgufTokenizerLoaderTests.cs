using LlmServe.Conversion.Gguf;
using LlmServe.Worker.Model.Gguf;
using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;
using Microsoft.ML.Tokenizers;

namespace LlmServe.Worker.Tests.Model.Gguf;

/// <summary>GGUF "gpt2" vocabularies, written as llama.cpp's converter writes them, against tiktoken and Hugging Face.</summary>
public sealed class GgufTokenizerLoaderTests
{
    [Fact]
    public void Load_Gpt2Vocabulary_MatchesTiktoken()
    {
        var tokenizer = LoadGguf(TokenizerFixtures.Gpt2Json.Value, "gpt-2", eos: 50256);
        var tiktoken = TiktokenTokenizer.CreateForModel("gpt2");

        Assert.IsType<ByteLevelBpeTokenizer>(tokenizer);
        Parity.AssertSame("tiktoken", TokenizerCorpus.ForDotNetRegexOracles, t => tiktoken.EncodeToIds(t), t => tokenizer.Encode(t, addSpecial: true));
        Assert.Equal(50256, tokenizer.EosId);
        Assert.False(tokenizer.AddBos);
    }

    [Fact]
    public void Load_Qwen2PreTokenizer_MatchesHuggingFaceIncludingChatMarkers()
    {
        var tokenizer = LoadGguf(TokenizerFixtures.QwenJson.Value, "qwen2", eos: TokenizerFixtures.ImEnd);
        var hf = TokenizerFixtures.QwenOracle.Value;
        var chat = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n";

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts.Append(chat), hf.Encode, t => tokenizer.Encode(t, addSpecial: true));
        Assert.Equal("user\nhi\nassistant\n", tokenizer.Decode(tokenizer.Encode(chat, true)));
    }

    /// <summary>Phi-4-mini's "gpt-4o" (o200k_base): against tiktoken's own o200k and Hugging Face reading the same vocabulary.</summary>
    [Fact]
    public void Load_Gpt4oPreTokenizer_MatchesTiktokenO200kAndHuggingFace()
    {
        var tokenizer = LoadGguf(TokenizerFixtures.O200kJson.Value, "gpt-4o", eos: 199999);
        var tiktoken = TiktokenTokenizer.CreateForModel("gpt-4o");
        using var hf = new HfOracle(TokenizerFixtures.O200kJson.Value);

        Parity.AssertSame("tiktoken", TokenizerCorpus.ForDotNetRegexOracles, t => tiktoken.EncodeToIds(t), t => tokenizer.Encode(t, addSpecial: false));
        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts, hf.Encode, t => tokenizer.Encode(t, addSpecial: false));
    }

    /// <summary>
    /// Each further llama.cpp pre-tokenizer family, over GPT-2's vocabulary: our GGUF loader against Hugging Face (its
    /// own regex engine) reading a tokenizer.json with the family's splits as its tokenizer.json (or, for the
    /// multi-split families, llama.cpp's list) writes them, in order.
    /// </summary>
    [Theory]
    [InlineData("tekken", @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    [InlineData("seed-coder", @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+")]
    [InlineData("deepseek-coder", @"[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", "[一-龥ࠀ-一가-퟿]+", @"\p{N}")]
    [InlineData("starcoder", @"\p{N}", @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)")]
    [InlineData("smaug-bpe", PreTokenizerPatterns.Llama3)]
    [InlineData("stablelm2", PreTokenizerPatterns.Qwen2)]
    public void Load_FurtherPreTokenizers_MatchHuggingFaceWithTheFamilysSplits(string pre, params string[] splits)
    {
        var json = TokenizerFixtures.Gpt2VocabWithSplits(pre, splits);
        var tokenizer = LoadGguf(json, pre, eos: 50256);
        using var hf = new HfOracle(json);

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts, hf.Encode, t => tokenizer.Encode(t, addSpecial: false));
    }

    [Fact]
    public void Load_UnknownPreTokenizer_FailsNamingFileAndName()
    {
        var path = TokenizerFixtures.Write("mystery.gguf", p => GgufMetadataWriter.Write(p,
        [
            ("tokenizer.ggml.model", "gpt2"), ("tokenizer.ggml.pre", "mystery-bpe"), ("tokenizer.ggml.tokens", new[] { "a", "b", "ab" }),
            ("tokenizer.ggml.merges", new[] { "a b" }),
        ]));
        using var file = GgufFile.Open(path);

        var ex = Assert.Throws<NotSupportedException>(() => GgufTokenizerLoader.Load(file));

        Assert.Contains(path, ex.Message);
        Assert.Contains("mystery-bpe", ex.Message);
    }

    /// <summary>A GGUF file with the tokenizer of a fixture tokenizer.json: added special tokens become control tokens.</summary>
    private static ITokenizer LoadGguf(string tokenizerJson, string pre, uint eos)
    {
        using var file = GgufFile.Open(WriteGguf(tokenizerJson, pre, eos));
        return GgufTokenizerLoader.Load(file);
    }

    private static string WriteGguf(string tokenizerJson, string pre, uint eos)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
        var model = doc.RootElement.GetProperty("model");
        var vocab = HfTokenizerJson.ReadVocab(model);
        var added = HfTokenizerJson.ReadAddedTokens(doc.RootElement);
        var tokens = HfTokenizerJson.TokensById(vocab, added).Select(t => t ?? "").ToArray();
        var types = tokens.Select(_ => (int)TokenKind.Normal).ToArray();
        foreach (var t in added)
        {
            types[t.Id] = (int)(t.Special ? TokenKind.Control : TokenKind.UserDefined);
        }
        var merges = HfTokenizerJson.ReadMerges(model).Select(m => $"{m.Left} {m.Right}").ToArray();
        return TokenizerFixtures.Write($"{pre}-{Guid.NewGuid():N}.gguf", path => GgufMetadataWriter.Write(path,
        [
            ("general.architecture", "llama"), ("tokenizer.ggml.model", "gpt2"), ("tokenizer.ggml.pre", pre),
            ("tokenizer.ggml.tokens", tokens), ("tokenizer.ggml.token_type", types), ("tokenizer.ggml.merges", merges),
            ("tokenizer.ggml.eos_token_id", eos), ("tokenizer.ggml.bos_token_id", eos),
        ]));
    }
}
