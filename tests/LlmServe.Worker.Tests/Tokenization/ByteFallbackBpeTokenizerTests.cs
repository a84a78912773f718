using LlmServe.Conversion.Gguf;
using LlmServe.TestUtilities;
using LlmServe.Worker.Model.Gguf;
using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization;

/// <summary>
/// SentencePiece-style BPE from tokenizer.json (Llama 2's two layouts, over stories260K's vocabulary) against Hugging
/// Face tokenizers, and against the GGUF SentencePiece path on the same vocabulary.
/// </summary>
public sealed class ByteFallbackBpeTokenizerTests
{
    private static readonly Lazy<ITokenizer> Legacy = new(() => HfTokenizerLoader.Load(SentencePieceFixtures.LegacyJson.Value, null));
    private static readonly Lazy<ITokenizer> Metaspace = new(() => HfTokenizerLoader.Load(SentencePieceFixtures.MetaspaceJson.Value, null));

    private static readonly string[] WithMarkers =
    [
        "<s>Once upon a time</s>", "Lily<s> and </s>Tom", "  <s>  spaced  </s>  ",
    ];

    [Fact]
    public void Encode_LegacyLayout_MatchesHuggingFace()
    {
        using var hf = new HfOracle(SentencePieceFixtures.LegacyJson.Value);

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts.Concat(WithMarkers), hf.Encode, t => Legacy.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Encode_MetaspaceLayout_MatchesHuggingFace()
    {
        using var hf = new HfOracle(SentencePieceFixtures.MetaspaceJson.Value);

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts.Concat(WithMarkers), hf.Encode, t => Metaspace.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Encode_GemmaLayout_MatchesHuggingFace()
    {
        using var hf = new HfOracle(SentencePieceFixtures.GemmaJson.Value);
        var gemma = HfTokenizerLoader.Load(SentencePieceFixtures.GemmaJson.Value, null);

        Parity.AssertSame("Hugging Face", TokenizerCorpus.Texts.Concat(WithMarkers), hf.Encode, t => gemma.Encode(t, addSpecial: true));
        foreach (var text in TokenizerCorpus.Texts)
        {
            Assert.Equal(hf.Decode(hf.Encode(text)), gemma.Decode(gemma.Encode(text, addSpecial: true)));
        }
    }

    [Fact]
    public void Encode_LegacyLayout_MatchesGgufSentencePiece()
    {
        using var file = GgufFile.Open(TestModels.Stories260K);
        var gguf = GgufTokenizerLoader.Load(file);

        // Merge ranks generated from piece scores reproduce score-ordered SentencePiece merging.
        Parity.AssertSame("the GGUF SentencePiece tokenizer", TokenizerCorpus.Texts, t => gguf.Encode(t, true), t => Legacy.Value.Encode(t, true));
    }

    [Fact]
    public void Decode_Corpus_KeepsTheLeadingSpaceAndStreamsLikeBatchDecode()
    {
        var tokenizer = Legacy.Value;
        foreach (var text in TokenizerCorpus.Texts)
        {
            var ids = tokenizer.Encode(text, addSpecial: true);
            var detokenizer = new IncrementalDetokenizer(tokenizer);
            var streamed = string.Concat(ids.Select(detokenizer.Push)) + detokenizer.Flush();

            // The "▁" put in front of the text decodes to a space: generated text continues a prompt.
            var expected = text.Length == 0 ? "" : " " + text;
            Assert.Equal(expected, tokenizer.Decode(ids));
            Assert.Equal(expected, streamed);
        }
    }

    public static TheoryData<string> Layouts => ["legacy", "metaspace", "gemma"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void DecodeText_Corpus_EqualsHuggingFaceDecode(string layout)
    {
        // Llama 2's Strip decoder and a prepending Metaspace decoder drop the prefixed space; Gemma adds none to drop.
        var path = layout switch
        {
            "legacy" => SentencePieceFixtures.LegacyJson.Value,
            "metaspace" => SentencePieceFixtures.MetaspaceJson.Value,
            _ => SentencePieceFixtures.GemmaJson.Value,
        };
        using var hf = new HfOracle(path);
        var tokenizer = HfTokenizerLoader.Load(path, null);

        foreach (var text in TokenizerCorpus.Texts)
        {
            Assert.Equal(hf.Decode(hf.Encode(text)), tokenizer.DecodeText(tokenizer.Encode(text, addSpecial: true)));
        }
    }

    [Fact]
    public void Encode_UnknownCharacter_FallsBackToByteTokens()
    {
        var ids = Legacy.Value.Encode("🐶", addSpecial: false);

        // "▁" then the four UTF-8 bytes of U+1F436 as <0xF0> <0x9F> <0x90> <0xB6>.
        Assert.Equal(5, ids.Count);
        Assert.Equal([0xF0 + 3, 0x9F + 3, 0x90 + 3, 0xB6 + 3], ids.Skip(1));
        Assert.Equal(" 🐶", Legacy.Value.Decode(ids));
    }
}
