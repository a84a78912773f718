using LlmServe.Rag.Ingestion;

namespace LlmServe.Rag.Tests.Ingestion;

public sealed class TextChunkerTests
{
    [Fact]
    public void Chunk_MarkdownWithHeadings_KeepsEachSectionsHeading()
    {
        const string text = "# Title\n\nIntro text.\n\n## Part A\n\nAlpha beta.\n\n## Part B\n\nGamma.\n";

        var chunks = TextChunker.Chunk(text, maxWords: 10, overlapWords: 2);

        Assert.Equal(
            [new TextChunk(0, "Title", "Intro text."), new TextChunk(1, "Part A", "Alpha beta."), new TextChunk(2, "Part B", "Gamma.")],
            chunks);
    }

    [Fact]
    public void Chunk_HeadingWithoutBody_ProducesNoChunk()
    {
        var chunks = TextChunker.Chunk("# Title\n## Sub\nText here.", maxWords: 10, overlapWords: 0);

        Assert.Equal([new TextChunk(0, "Sub", "Text here.")], chunks);
    }

    [Fact]
    public void Chunk_PlainText_HasNullHeadingAndJoinsParagraphs()
    {
        var chunks = TextChunker.Chunk("one two\nthree\n\nfour", maxWords: 10, overlapWords: 0);

        Assert.Equal([new TextChunk(0, null, "one two three four")], chunks);
    }

    [Fact]
    public void Chunk_LongParagraph_SlidesWindowWithOverlap()
    {
        // 10 words, max 4, overlap 1: windows [0,4) [3,7) [6,10).
        var chunks = TextChunker.Chunk("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10", maxWords: 4, overlapWords: 1);

        Assert.Equal(["w1 w2 w3 w4", "w4 w5 w6 w7", "w7 w8 w9 w10"], chunks.Select(c => c.Text));
        Assert.Equal([0, 1, 2], chunks.Select(c => c.Index));
    }

    [Fact]
    public void Chunk_ParagraphBoundaryInsideWindow_CutsThere()
    {
        // Paragraph ends after word 3; window [0,5) shrinks to [0,3) (3 >= half of 5); next starts at 3 - 1 = 2.
        var chunks = TextChunker.Chunk("a b c\n\nd e f g", maxWords: 5, overlapWords: 1);

        Assert.Equal(["a b c", "c d e f g"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_ParagraphBoundaryTooEarly_IsIgnored()
    {
        // Boundary after word 1 is below half of 4, so the first chunk is cut at 4 words instead.
        var chunks = TextChunker.Chunk("a\n\nb c d e f", maxWords: 4, overlapWords: 0);

        Assert.Equal(["a b c d", "e f"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Chunk_ManyWords_NoChunkExceedsBoundAndRemovingOverlapRestoresText()
    {
        var words = Enumerable.Range(1, 97).Select(i => $"w{i}").ToArray();
        var text = string.Join(' ', words[..40]) + "\n\n" + string.Join(' ', words[40..]);

        var chunks = TextChunker.Chunk(text, maxWords: 12, overlapWords: 3);

        Assert.All(chunks, c => Assert.InRange(c.Text.Split(' ').Length, 1, 12));
        var restored = chunks[0].Text.Split(' ').Concat(chunks.Skip(1).SelectMany(c => c.Text.Split(' ').Skip(3)));
        Assert.Equal(words, restored);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].Text.Split(' ')[^3..], chunks[i].Text.Split(' ')[..3]);
        }
    }

    [Fact]
    public void Chunk_HashInsideCodeFence_IsNotAHeading()
    {
        var chunks = TextChunker.Chunk("## Shell\n\n```\n# not a heading\n```\n", maxWords: 10, overlapWords: 0);

        Assert.Equal([new TextChunk(0, "Shell", "``` # not a heading ```")], chunks);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 4)]
    [InlineData(4, -1)]
    public void Chunk_InvalidBounds_Throws(int maxWords, int overlapWords) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => TextChunker.Chunk("text", maxWords, overlapWords));

    [Theory]
    [InlineData("# Title", "Title")]
    [InlineData("### Deep ###", "Deep")]
    [InlineData("  ## Indented", "Indented")]
    [InlineData("#NoSpace", null)]
    [InlineData("####### Seven", null)]
    [InlineData("#", null)]
    [InlineData("Plain line", null)]
    public void ParseHeading_Line_ReturnsHeadingText(string line, string? expected) =>
        Assert.Equal(expected, TextChunker.ParseHeading(line));
}
