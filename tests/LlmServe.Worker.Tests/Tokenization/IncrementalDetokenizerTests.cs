using System.Text;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization;

public sealed class IncrementalDetokenizerTests
{
    /// <summary>A vocabulary where every token is one byte, so any UTF-8 sequence is split across tokens.</summary>
    private sealed class ByteTokenizer : ITokenizer
    {
        public int VocabSize => 256;
        public int? BosId => null;
        public int? EosId => null;
        public bool AddBos => false;
        public IReadOnlyList<int> Encode(string text, bool addSpecial) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToList();
        public ReadOnlySpan<byte> TokenBytes(int id) => new[] { (byte)id };
        public bool IsControl(int id) => false;
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("café 🐶 中文 ok")]
    [InlineData("🐶🐱")]
    public void Push_SplitMultiByteCharacters_NeverEmitsBrokenText(string text)
    {
        var tokenizer = new ByteTokenizer();
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        var pieces = new List<string>();

        foreach (var id in tokenizer.Encode(text, false))
        {
            pieces.Add(detokenizer.Push(id));
        }
        pieces.Add(detokenizer.Flush());

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal(text, string.Concat(pieces));
    }

    [Fact]
    public void Push_FirstBytesOfEmoji_HoldsThemBack()
    {
        var detokenizer = new IncrementalDetokenizer(new ByteTokenizer());

        Assert.Equal("a", detokenizer.Push('a'));
        Assert.Equal("", detokenizer.Push(0xF0));
        Assert.Equal("", detokenizer.Push(0x9F));
        Assert.Equal("", detokenizer.Push(0x90));
        Assert.Equal("🐶", detokenizer.Push(0xB6));
    }

    [Theory]
    [InlineData(true, "user\nhi\n")]
    [InlineData(false, "<|im_start|>user\nhi<|im_end|>\n")]
    public void SkipSpecialTokens_DecidesWhetherControlTokensAreWritten(bool skip, string expected)
    {
        var tokenizer = HfTokenizerLoader.Load(Fixtures.TokenizerFixtures.QwenJson.Value, null);
        var detokenizer = new IncrementalDetokenizer(tokenizer, skip);

        var text = string.Concat(tokenizer.Encode("<|im_start|>user\nhi<|im_end|>\n", addSpecial: false).Select(detokenizer.Push)) + detokenizer.Flush();

        Assert.Equal(expected, text);
    }
}
