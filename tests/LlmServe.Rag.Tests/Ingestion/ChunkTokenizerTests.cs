using LlmServe.Rag.Ingestion;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Tests.Ingestion;

/// <summary>Chunk sizes in all-MiniLM-L6-v2's WordPiece tokens (no worker needed).</summary>
public sealed class ChunkTokenizerTests
{
    private static readonly ChunkTokenizer Tokenizer = ChunkTokenizer.Create(Options.Create(new RagOptions()));

    [Fact]
    public void Count_SplitsWordsIntoWordPieces()
    {
        // "tokenization" is two WordPieces (token, ##ization) and the comma one more: more tokens than words.
        Assert.Equal(1, Tokenizer.Count("hello"));
        Assert.Equal(3, Tokenizer.Count("tokenization,"));
        Assert.Equal(Tokenizer.Count("hello") + Tokenizer.Count("tokenization,"), Tokenizer.Count("hello tokenization,"));
    }

    [Fact]
    public void Chunk_SizesAndOverlapAreTokensNotWords()
    {
        // Each word is 3 tokens, so a 30-token chunk holds 10 words (a word budget would take 30).
        var text = string.Join(' ', Enumerable.Range(0, 40).Select(_ => "tokenization,"));

        var chunks = Tokenizer.Chunk(text, "Doc", maxTokens: 30, overlapTokens: 6);

        Assert.All(chunks, c => Assert.True(Tokenizer.Count(c.Text) <= 30, $"{Tokenizer.Count(c.Text)} tokens"));
        Assert.Equal(10, chunks[0].Text.Split(' ').Length);
        // 6 overlap tokens repeat the last two words of the previous chunk.
        Assert.Equal(string.Join(' ', chunks[0].Text.Split(' ')[^2..]), string.Join(' ', chunks[1].Text.Split(' ')[..2]));
        Assert.Equal(string.Join(' ', chunks.SelectMany((c, i) => i == 0 ? c.Text.Split(' ') : c.Text.Split(' ')[2..])), text);
    }

    [Fact]
    public void Chunk_LongTitleAndHeading_LowerTheBudgetSoTheEmbeddedTextFits()
    {
        var title = string.Join(' ', Enumerable.Repeat("an exceedingly verbose title", 30));
        var text = "## Section\n\n" + string.Join(' ', Enumerable.Repeat("word", 600));

        var chunks = Tokenizer.Chunk(text, title, maxTokens: 254, overlapTokens: 20);

        Assert.All(chunks, c =>
        {
            Assert.Equal("Section", c.Heading);
            var embedded = Tokenizer.Count(ChunkTokenizer.EmbeddedText(title, c.Heading, c.Text)) + ChunkTokenizer.SpecialTokens;
            Assert.InRange(embedded, 1, Tokenizer.Window);
        });
        Assert.True(chunks.Count > 3, "the title's tokens leave less room per chunk");
    }

    [Fact]
    public void Chunk_WordLongerThanTheBudget_IsCutIntoPiecesThatFit()
    {
        var url = "https://example.com/" + string.Concat(Enumerable.Repeat("segment-with-many-pieces/", 40));

        var chunks = Tokenizer.Chunk($"See {url} for details.", "Doc", maxTokens: 50, overlapTokens: 0);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(Tokenizer.Count(c.Text), 1, 50));
        // Nothing is lost: the pieces, spaces aside, are the text.
        Assert.Equal($"See{url}fordetails.", string.Concat(chunks.Select(c => c.Text.Replace(" ", "", StringComparison.Ordinal))));
    }
}
