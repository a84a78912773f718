using LlmServe.TestUtilities;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tokenization;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Tokenization;

public sealed class SentencePieceBpeTokenizerTests
{
    private static readonly Lazy<LoadedModel> Model = new(() => ModelLoader.Load(TestModels.Stories260K, ScalarType.Float32));

    [Theory]
    [InlineData("Once upon a time")]
    [InlineData("Lily and Tom went to the park. They saw a big dog!")]
    [InlineData("  two leading spaces, then   three")]
    [InlineData("numbers 12345 and émojis 🐶 survive")]
    public void EncodeThenDecode_RoundTripsText(string text)
    {
        var tokenizer = Model.Value.Tokenizer;

        var ids = tokenizer.Encode(text, addSpecial: true);

        Assert.Equal(tokenizer.BosId, ids[0]);
        // SentencePiece adds one space in front of the text; decoding keeps it.
        Assert.Equal(" " + text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_UnknownCharacter_FallsBackToByteTokens()
    {
        var tokenizer = Model.Value.Tokenizer;

        var ids = tokenizer.Encode("🐶", addSpecial: false);

        // U+1F436 is four UTF-8 bytes, none of them in a 512-piece vocabulary as a whole character.
        Assert.True(ids.Count >= 4);
        Assert.Equal(" 🐶", tokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_MergesIntoWholeWordPieces()
    {
        var tokenizer = Model.Value.Tokenizer;

        var ids = tokenizer.Encode("Once upon a time", addSpecial: false);

        // The merges must produce far fewer pieces than characters.
        Assert.True(ids.Count <= 6, $"expected merged pieces, got {ids.Count}");
    }
}
