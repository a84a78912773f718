using LlmServe.Worker.Tests.Tokenization.Fixtures;
using LlmServe.Worker.Tokenization;
using BertTokenizer = Microsoft.ML.Tokenizers.BertTokenizer;
using BertOptions = Microsoft.ML.Tokenizers.BertOptions;

namespace LlmServe.Worker.Tests.Tokenization;

/// <summary>
/// BERT WordPiece over all-MiniLM-L6-v2's vocab.txt against Hugging Face tokenizers, Microsoft.ML.Tokenizers'
/// BertTokenizer and ids published for the model.
/// </summary>
public sealed class WordPieceTokenizerTests
{
    private static readonly Lazy<ITokenizer> FromVocab = new(() => WordPieceTokenizer.FromVocab(TokenizerFixtures.MiniLmVocab.Value));
    private static readonly Lazy<ITokenizer> FromJson = new(() => HfTokenizerLoader.Load(TokenizerFixtures.BertJson.Value, null));

    private static readonly string[] BertTexts =
    [
        "[CLS] already marked [SEP] and [MASK] here", "unaffable unbelievably tokenization", "ALL CAPS AND MiXeD CaSe",
        "İstanbul ÇAĞRI Ölçü", "Straße Œuvre Æsir", "don't won't o'clock", "well-known 3.14 1,000,000",
        new string('a', 100), new string('a', 101), "supercalifragilisticexpialidocious" + new string('x', 80),
        "tab\tnew\nline\r\nreturn", "中文字符和english混合", "ｆｕｌｌｗｉｄｔｈ", "em—dash – en dash … ellipsis",
    ];

    [Fact]
    public void Encode_KnownSentence_MatchesAllMiniLmIds()
    {
        int[] expected = [101, 1996, 4937, 7719, 2006, 1996, 13523, 1012, 102];

        Assert.Equal(expected, FromVocab.Value.Encode("The cat sits on the mat.", addSpecial: true));
        Assert.Equal(expected, FromJson.Value.Encode("The cat sits on the mat.", addSpecial: true));
        Assert.Equal(30522, FromVocab.Value.VocabSize);
    }

    [Fact]
    public void Encode_Corpus_MatchesHuggingFace()
    {
        using var hf = new HfOracle(TokenizerFixtures.BertJson.Value);
        var corpus = TokenizerCorpus.Texts.Concat(BertTexts).ToList();

        Parity.AssertSame("Hugging Face", corpus, hf.Encode, t => FromJson.Value.Encode(t, addSpecial: true));
        Parity.AssertSame("Hugging Face", corpus, hf.Encode, t => FromVocab.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Encode_Corpus_MatchesMicrosoftMlBertTokenizer()
    {
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", TokenizerFixtures.MiniLmVocab.Value) + "\n"));
        var bert = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
        // NOTE: BertTokenizer is a looser oracle than Hugging Face: it keeps ASCII symbols such as $ + = _ inside
        // words, drops emoji instead of giving [UNK], mishandles tabs and newlines, and its accent stripping calls
        // string.Normalize, a no-op under invariant globalization. It is compared on plain prose only.
        var corpus = TokenizerCorpus.Texts.Concat(BertTexts).Where(t => t == AccentFolding.Fold(t)
            && t.All(c => char.IsLetterOrDigit(c) || c == ' ' || ".,!?;:'\"()[]{}#@%&*/\\-".Contains(c))).ToList();
        Assert.Equal(30, corpus.Count);   // 19 corpus strings and 11 BERT ones qualify
        Parity.AssertSame("BertTokenizer", corpus, t => bert.EncodeToIds(t), t => FromVocab.Value.Encode(t, addSpecial: true));
    }

    [Fact]
    public void Decode_JoinsContinuationPieces()
    {
        var tokenizer = FromVocab.Value;

        var ids = tokenizer.Encode("Tokenization works", addSpecial: true);

        Assert.Equal(" tokenization works", tokenizer.Decode(ids));
        Assert.True(tokenizer.IsControl(ids[0]));
        Assert.Equal(tokenizer.EosId, ids[^1]);
    }
}
