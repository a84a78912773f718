using LlmServe.Conversion.MiniLm;
using LlmServe.Rag.Generation;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Ingestion;

/// <summary>
/// Sizes chunks in tokens of the embedding model, so no chunk is silently truncated by the encoder: all-MiniLM-L6-v2's
/// WordPiece (uncased BERT vocabulary) and its window, which counts [CLS] and [SEP] too. The vocabulary is the one
/// shipped with the worker's default embedding model, or another model's vocab.txt from configuration.
/// </summary>
internal sealed class ChunkTokenizer
{
    /// <summary>[CLS] and [SEP], which the encoder adds around every input.</summary>
    public const int SpecialTokens = 2;

    private readonly WordPieceCounter tokenizer;

    public ChunkTokenizer(Stream vocabulary, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, SpecialTokens);
        tokenizer = WordPieceCounter.Load(vocabulary);
        Window = window;
    }

    /// <summary>The most tokens one embedded input may have, [CLS] and [SEP] included.</summary>
    public int Window { get; }

    public static ChunkTokenizer Create(IOptions<RagOptions> options)
    {
        var settings = options.Value;
        using var vocabulary = string.IsNullOrEmpty(settings.EmbeddingVocabularyPath)
            ? MiniLmPackage.OpenVocabulary()
            : File.OpenRead(settings.EmbeddingVocabularyPath);
        return new ChunkTokenizer(vocabulary, settings.EmbeddingWindowTokens);
    }

    /// <summary>Tokens of <paramref name="text"/> without [CLS]/[SEP].</summary>
    public int Count(string text) => tokenizer.Count(text);

    /// <summary>
    /// Chunks a document so that each chunk, as embedded (<see cref="EmbeddedText"/>: source title, newline, text),
    /// fits the window: a section's budget is <paramref name="maxTokens"/> or what the window leaves after the title.
    /// </summary>
    public IReadOnlyList<TextChunk> Chunk(string text, string title, int maxTokens, int overlapTokens) =>
        TextChunker.Chunk(text, maxTokens, overlapTokens, Count,
            heading => Window - SpecialTokens - Count(EmbeddedText(title, heading, "")));

    /// <summary>What is embedded for a chunk: the title and heading name the topic when the chunk text does not.</summary>
    public static string EmbeddedText(string title, string? heading, string text) => $"{PromptBuilder.SourceTitle(title, heading)}\n{text}";
}
