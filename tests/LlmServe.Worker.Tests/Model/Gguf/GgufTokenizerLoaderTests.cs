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
