using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization;

public sealed class RegexSplitTests
{
    // "-" splitting "a-b--c" with each of Hugging Face's split behaviours.
    [Theory]
    [InlineData(nameof(SplitBehavior.Isolated), new[] { "a", "-", "b", "-", "-", "c" })]
    [InlineData(nameof(SplitBehavior.Removed), new[] { "a", "b", "c" })]
    [InlineData(nameof(SplitBehavior.MergedWithPrevious), new[] { "a-", "b-", "-", "c" })]
    [InlineData(nameof(SplitBehavior.MergedWithNext), new[] { "a", "-b", "-", "-c" })]
    [InlineData(nameof(SplitBehavior.Contiguous), new[] { "a", "-", "b", "--", "c" })]
    public void Split_Behaviours_GiveHuggingFacePieces(string behavior, string[] expected)
    {
        Assert.Equal(expected, new RegexSplit("-", Enum.Parse<SplitBehavior>(behavior)).Split("a-b--c"));

        // Hugging Face agrees: with a merge for every adjacent pair, the ids show which characters shared a piece.
        var path = TokenizerFixtures.Write($"split-{behavior}.json", p => File.WriteAllText(p, $$$"""
            {"pre_tokenizer":{"type":"Sequence","pretokenizers":[
               {"type":"Split","pattern":{"String":"-"},"behavior":"{{{behavior}}}","invert":false},
               {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]},
             "decoder":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false},
             "model":{"type":"BPE","vocab":{"a":0,"b":1,"c":2,"-":3,"a-":4,"-b":5,"b-":6,"--":7,"-c":8},
                      "merges":["a -","- b","b -","- -","- c"]}}
            """));
        using var hf = new HfOracle(path);
        Assert.Equal(hf.Encode("a-b--c"), HfTokenizerLoader.Load(path, null).Encode("a-b--c", addSpecial: false));
    }

    [Fact]
    public void Split_SupplementaryLettersAndDigits_CountAsLettersAndDigits()
    {
        // 𝐇𝐢 are letters and 𝟏𝟐𝟑𝟒 digits outside the BMP: Llama 3 groups digits by three and keeps the space apart.
        var pieces = new RegexSplit(PreTokenizerPatterns.Llama3).Split("𝐇𝐢 𝟏𝟐𝟑𝟒");

        Assert.Equal(["𝐇𝐢", " ", "𝟏𝟐𝟑", "𝟒"], pieces);
    }
}
