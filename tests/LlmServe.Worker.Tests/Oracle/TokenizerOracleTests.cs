using System.Text;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// Our SentencePiece-BPE tokenizer against llama.cpp's on the stories260K vocabulary (512 pieces, so most
/// non-ASCII text goes through byte fallback), and our streaming detokenization against batch decoding.
/// </summary>
public sealed class TokenizerOracleTests(Stories260KFixture fixture) : IClassFixture<Stories260KFixture>
{
    public static TheoryData<string> Corpus =>
    [
        "Hello world",
        "Once upon a time, there was a little girl named Lily.",
        " leading space",
        "trailing space ",
        "two  spaces, three   spaces, and    four.",
        "tabs\tand\nnewlines\n\nand\r\nCRLF",
        "        ",
        "Numbers: 0 1 12 123 1234 3.14159 -42 1e10 2024-06-01",
        "Punctuation!?.,;:'\"()[]{}<>@#$%^&*_+=~`|\\/",
        "Ünïcödé: café, naïve, Straße, Ærøskøbing",
        "Greek αβγδ, Cyrillic привет, Hebrew שלום, Arabic مرحبا",
        "CJK: 你好，世界。日本語のテキスト。한국어 텍스트",
        "Emoji: 😀🎉👍🏽 👨‍👩‍👧‍👦 🇳🇱 ❤️",
        "Mixed: Lily 🐶 ran 3 km in 15 min... wow!!!",
        "▁ already has a space marker",
        "<s> and </s> stay plain text",
        "a",
        "",
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Encode_WithBos_MatchesLlamaCpp(string text)
    {
        var ours = fixture.Model.Tokenizer.Encode(text, addSpecial: true);

        Assert.Equal(fixture.Oracle.Tokenize(text, addBos: true), ours);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Encode_WithoutBos_MatchesLlamaCpp(string text)
    {
        var ours = fixture.Model.Tokenizer.Encode(text, addSpecial: false);

        Assert.Equal(fixture.Oracle.Tokenize(text, addBos: false), ours);
    }

    [Fact]
    public void TokenBytes_EveryNonControlToken_MatchesLlamaCppPiece()
    {
        var tokenizer = fixture.Model.Tokenizer;
        Assert.Equal(fixture.Oracle.VocabSize, tokenizer.VocabSize);

        for (var id = 0; id < tokenizer.VocabSize; id++)
        {
            if (tokenizer.IsControl(id))
            {
                continue;
            }
            Assert.True(fixture.Oracle.TokenBytes(id).AsSpan().SequenceEqual(tokenizer.TokenBytes(id)),
                $"token {id}: llama.cpp [{Convert.ToHexString(fixture.Oracle.TokenBytes(id))}], ours [{Convert.ToHexString(tokenizer.TokenBytes(id))}]");
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void IncrementalDetokenizer_TokenByToken_EqualsBatchDecodeAndRoundTrips(string text)
    {
        var tokenizer = fixture.Model.Tokenizer;
        var ids = tokenizer.Encode(text, addSpecial: true);
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        var streamed = new StringBuilder();
        foreach (var id in ids)
        {
            streamed.Append(detokenizer.Push(id));
        }
        streamed.Append(detokenizer.Flush());

        var batch = tokenizer.Decode(ids);
        Assert.Equal(batch, streamed.ToString());
        // SentencePiece prefixes a space and byte fallback makes every input representable, so decoding is exact,
        // except that a literal U+2581 is the space marker itself and comes back as a space (llama.cpp agrees).
        Assert.Equal(text.Length == 0 ? "" : " " + text.Replace('\u2581', ' '), batch);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Decode_LlamaCppTokens_EqualsLlamaCppPieces(string text)
    {
        var ids = fixture.Oracle.Tokenize(text, addBos: true);
        var pieces = ids.SelectMany(fixture.Oracle.TokenBytes).ToArray();

        Assert.Equal(Encoding.UTF8.GetString(pieces), fixture.Model.Tokenizer.Decode(ids));
    }
}
