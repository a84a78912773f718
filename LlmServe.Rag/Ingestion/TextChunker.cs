namespace LlmServe.Rag.Ingestion;

/// <summary>Splits Markdown or plain text into bounded, overlapping chunks that never cross a heading.</summary>
/// <remarks>
/// <para>
/// The text is first cut into sections at Markdown headings (<c>#</c> to <c>######</c>, ignored inside code fences);
/// each chunk keeps the heading of its section as metadata, so a chunk never mixes two topics. Within a section the
/// words form one stream with paragraph boundaries (blank lines) marked.
/// </para>
/// <para>
/// A sliding window then walks the stream: a chunk takes at most <c>maxWords</c> words and, when the stream goes
/// on, ends at the last paragraph boundary inside the window if that still leaves it at least half full (and longer
/// than the overlap); otherwise it is cut at <c>maxWords</c>. The next chunk starts <c>overlapWords</c> words before
/// the end of the previous one:
/// <code>
///   words:   |-------- chunk 0 --------|
///                              |overlap|-------- chunk 1 --------|
/// </code>
/// Words are whitespace-separated tokens; a chunk's text joins them with single spaces.
/// </para>
/// </remarks>
internal static class TextChunker
{
    /// <summary>Chunks <paramref name="text"/>. Pure: the same input always gives the same chunks.</summary>
    public static IReadOnlyList<TextChunk> Chunk(string text, int maxWords, int overlapWords)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapWords);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlapWords, maxWords);

        List<TextChunk> chunks = [];
        foreach (var section in SplitSections(text))
        {
            foreach (var (start, end) in Windows(section.Words.Count, section.ParagraphEnds, maxWords, overlapWords))
            {
                var body = string.Join(' ', section.Words.GetRange(start, end - start));
                chunks.Add(new TextChunk(chunks.Count, section.Heading, body));
            }
        }
        return chunks;
    }

    /// <summary>The heading text of a Markdown ATX heading line (<c>## Title ##</c>), or null.</summary>
    public static string? ParseHeading(string line)
    {
        var trimmed = line.TrimStart();
        var level = 0;
        while (level < trimmed.Length && trimmed[level] == '#')
        {
            level++;
        }
        if (level is 0 or > 6 || level == trimmed.Length || !char.IsWhiteSpace(trimmed[level]))
        {
            return null;
        }
        var heading = trimmed[level..].Trim().TrimEnd('#').TrimEnd();
        return heading.Length == 0 ? null : heading;
    }

    private static IEnumerable<(int Start, int End)> Windows(int count, HashSet<int> paragraphEnds, int maxWords, int overlapWords)
    {
        var start = 0;
        while (start < count)
        {
            var end = Math.Min(start + maxWords, count);
            if (end < count)
            {
                // Prefer a paragraph boundary, but not one so early that chunks become tiny or the window stalls.
                var minimum = start + Math.Max((maxWords + 1) / 2, overlapWords + 1);
                for (var boundary = end; boundary >= minimum; boundary--)
                {
                    if (paragraphEnds.Contains(boundary))
                    {
                        end = boundary;
                        break;
                    }
                }
            }
            yield return (start, end);
            if (end == count)
            {
                yield break;
            }
            start = end - overlapWords;
        }
    }

    private static List<Section> SplitSections(string text)
    {
        List<Section> sections = [];
        var current = new Section(null);
        var inFence = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            var heading = inFence ? null : ParseHeading(line);
            if (heading is not null)
            {
                AddIfNotEmpty(sections, current);
                current = new Section(heading);
            }
            else if (trimmed.Length == 0)
            {
                current.EndParagraph();
            }
            else
            {
                current.Words.AddRange(trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }
        }
        AddIfNotEmpty(sections, current);
        return sections;
    }

    private static void AddIfNotEmpty(List<Section> sections, Section section)
    {
        if (section.Words.Count > 0)
        {
            section.EndParagraph();
            sections.Add(section);
        }
    }

    private sealed class Section(string? heading)
    {
        public string? Heading { get; } = heading;

        public List<string> Words { get; } = [];

        /// <summary>Word counts at which a paragraph ends: the cut points a chunk prefers.</summary>
        public HashSet<int> ParagraphEnds { get; } = [];

        public void EndParagraph()
        {
            if (Words.Count > 0)
            {
                ParagraphEnds.Add(Words.Count);
            }
        }
    }
}
