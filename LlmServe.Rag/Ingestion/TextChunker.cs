namespace LlmServe.Rag.Ingestion;

/// <summary>Splits Markdown or plain text into bounded, overlapping chunks that never cross a heading.</summary>
/// <remarks>
/// <para>
/// The text is first cut into sections at Markdown headings (<c>#</c> to <c>######</c>, ignored inside code fences);
/// each chunk keeps the heading of its section as metadata, so a chunk never mixes two topics. Within a section the
/// words form one stream with paragraph boundaries (blank lines) marked.
/// </para>
/// <para>
/// A sliding window then walks the stream: a chunk takes words while their tokens fit in <c>maxTokens</c> and, when
/// the stream goes on, ends at the last paragraph boundary inside the window if that still leaves it at least half
/// full (and longer than the overlap); otherwise it is cut at the budget. The next chunk starts with the last words
/// of the previous one that fit in <c>overlapTokens</c>:
/// <code>
///   words:   |-------- chunk 0 --------|
///                              |overlap|-------- chunk 1 --------|
/// </code>
/// Sizes are in tokens of the embedding model (see <see cref="ChunkTokenizer"/>): a WordPiece tokenizer never
/// joins two whitespace-separated words, so a chunk's tokens are the sum of its words'. A chunk's text joins its
/// words with single spaces. A word longer than the budget on its own (a long URL) is cut into pieces that fit.
/// </para>
/// </remarks>
internal static class TextChunker
{
    /// <summary>Chunks <paramref name="text"/> counting every word as one unit. Pure: the same input always gives the same chunks.</summary>
    public static IReadOnlyList<TextChunk> Chunk(string text, int maxWords, int overlapWords) =>
        Chunk(text, maxWords, overlapWords, static _ => 1);

    /// <summary>
    /// Chunks <paramref name="text"/> with sizes in <paramref name="countTokens"/>'s units. <paramref name="budget"/>
    /// may lower the size per section (by heading): what the embedded text adds around the chunk must fit too.
    /// </summary>
    public static IReadOnlyList<TextChunk> Chunk(string text, int maxTokens, int overlapTokens,
        Func<string, int> countTokens, Func<string?, int>? budget = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(countTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlapTokens, maxTokens);

        List<TextChunk> chunks = [];
        foreach (var section in SplitSections(text))
        {
            var max = Math.Max(1, Math.Min(maxTokens, budget?.Invoke(section.Heading) ?? maxTokens));
            var overlap = Math.Min(overlapTokens, max - 1);
            var (words, paragraphEnds, weights) = Weigh(section, max, countTokens);
            foreach (var (start, end) in Windows(weights, paragraphEnds, max, overlap))
            {
                chunks.Add(new TextChunk(chunks.Count, section.Heading, string.Join(' ', words.GetRange(start, end - start))));
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

    /// <summary>Each word's tokens, with any word over <paramref name="max"/> cut into pieces that fit (paragraph ends follow the cuts).</summary>
    private static (List<string> Words, HashSet<int> ParagraphEnds, int[] Weights) Weigh(Section section, int max, Func<string, int> countTokens)
    {
        List<string> words = [];
        List<int> weights = [];
        HashSet<int> paragraphEnds = [];
        for (var i = 0; i < section.Words.Count; i++)
        {
            foreach (var piece in Fit(section.Words[i], max, countTokens))
            {
                words.Add(piece.Text);
                weights.Add(piece.Tokens);
            }
            if (section.ParagraphEnds.Contains(i + 1))
            {
                paragraphEnds.Add(words.Count);
            }
        }
        return (words, paragraphEnds, [.. weights]);
    }

    private static IEnumerable<(string Text, int Tokens)> Fit(string word, int max, Func<string, int> countTokens)
    {
        var tokens = countTokens(word);
        while (tokens > max && word.Length > 1)
        {
            // The longest prefix that fits (at least one character: a single character is one token or [UNK]).
            int low = 1, high = word.Length - 1;
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                if (countTokens(word[..mid]) <= max)
                {
                    low = mid;
                }
                else
                {
                    high = mid - 1;
                }
            }
            yield return (word[..low], countTokens(word[..low]));
            word = word[low..];
            tokens = countTokens(word);
        }
        yield return (word, tokens);
    }

    private static IEnumerable<(int Start, int End)> Windows(int[] weights, HashSet<int> paragraphEnds, int max, int overlap)
    {
        // prefix[i]: tokens of words [0, i), so any range's tokens are one subtraction.
        var prefix = new int[weights.Length + 1];
        for (var i = 0; i < weights.Length; i++)
        {
            prefix[i + 1] = prefix[i] + weights[i];
        }
        var count = weights.Length;
        var start = 0;
        while (start < count)
        {
            var end = start + 1;
            while (end < count && prefix[end + 1] - prefix[start] <= max)
            {
                end++;
            }
            if (end < count)
            {
                // Prefer a paragraph boundary, but not one so early that chunks become tiny or the window stalls.
                var minimum = Math.Max((max + 1) / 2, overlap + 1);
                for (var boundary = end; boundary > start && prefix[boundary] - prefix[start] >= minimum; boundary--)
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
            // The next chunk repeats the last words that fit in the overlap, and always moves forward.
            var next = end;
            while (next - 1 > start && prefix[end] - prefix[next - 1] <= overlap)
            {
                next--;
            }
            start = next;
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
