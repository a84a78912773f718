using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization;

public sealed class HfTokenizerLoaderTests
{
    private const string TinyVocab = """{"a":0,"b":1,"ab":2,"Ġ":3,"Ġab":4}""";

    [Fact]
    public void Load_UnigramModel_FailsNamingFileAndType()
    {
        var path = Json("unigram.json", """{"model":{"type":"Unigram","vocab":[["a",0.0]]}}""");

        var ex = Assert.Throws<NotSupportedException>(() => HfTokenizerLoader.Load(path, null));

        Assert.Contains(path, ex.Message);
        Assert.Contains("Unigram", ex.Message);
    }

    [Fact]
    public void Load_BpeWithoutByteLevelOrMetaspace_FailsNamingFile()
    {
        var path = Json("plain-bpe.json", $$$"""{"model":{"type":"BPE","vocab":{{{TinyVocab}}},"merges":["a b"]}}""");

        var ex = Assert.Throws<NotSupportedException>(() => HfTokenizerLoader.Load(path, null));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Load_UnsupportedPreTokenizer_FailsNamingIt()
    {
        var path = Json("whitespace.json", $$$"""
            {"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Whitespace"},{"type":"ByteLevel"}]},
             "model":{"type":"BPE","vocab":{{{TinyVocab}}},"merges":["a b"]}}
            """);

        var ex = Assert.Throws<NotSupportedException>(() => HfTokenizerLoader.Load(path, null));

        Assert.Contains(path, ex.Message);
        Assert.Contains("Whitespace", ex.Message);
    }

    [Fact]
    public void Load_TruncatedJson_FailsAsInvalidDataNamingFile()
    {
        var path = Json("truncated.json", """{"model":{"type":"BPE","vocab":{"a":""");

        var ex = Assert.Throws<InvalidDataException>(() => HfTokenizerLoader.Load(path, null));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Load_MergeOfUnknownToken_FailsAsInvalidData()
    {
        var path = Json("bad-merge.json", $$$"""{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{{{TinyVocab}}},"merges":["a z"]}}""");

        var ex = Assert.Throws<InvalidDataException>(() => HfTokenizerLoader.Load(path, null));

        Assert.Contains("'a' 'z'", ex.Message);
    }

    [Fact]
    public void Load_TokenizerConfig_SetsBosEosAndAddBos()
    {
        var path = Json("tiny.json", $$$"""
            {"added_tokens":[{"id":5,"content":"<s>","special":true},{"id":6,"content":"</s>","special":true}],
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},
             "model":{"type":"BPE","vocab":{{{TinyVocab}}},"merges":["a b","Ġ ab"]}}
            """);
        var config = Json("tiny_config.json", """{"bos_token":{"content":"<s>","special":true},"eos_token":"</s>","add_bos_token":true}""");

        var tokenizer = HfTokenizerLoader.Load(path, config);

        Assert.Equal(5, tokenizer.BosId);
        Assert.Equal(6, tokenizer.EosId);
        Assert.Equal([5, 2, 4, 6], tokenizer.Encode("ab ab</s>", addSpecial: true));
        Assert.Equal(7, tokenizer.VocabSize);
        Assert.Equal("ab ab", tokenizer.Decode([5, 2, 4, 6]));
    }

    [Fact]
    public void Load_NoConfigAndNoTemplate_AddsNoBos()
    {
        var tokenizer = TokenizerFixtures.Gpt2Tokenizer.Value;   // loaded without a tokenizer_config.json

        Assert.Null(tokenizer.BosId);
        Assert.False(tokenizer.AddBos);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world", addSpecial: true));
    }

    private static string Json(string name, string content) => TokenizerFixtures.Write($"{Guid.NewGuid():N}-{name}", p => File.WriteAllText(p, content));
}
