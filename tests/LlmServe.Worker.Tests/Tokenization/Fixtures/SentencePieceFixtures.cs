using LlmServe.Conversion.Gguf;
using LlmServe.TestUtilities;
using LlmServe.Worker.Model.Gguf;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization.Fixtures;

/// <summary>
/// Hugging Face renderings of stories260K's SentencePiece vocabulary, made the way transformers' LlamaConverter
/// makes them: every two-piece split of every piece is a merge, ordered by the merged piece's score (highest first).
/// </summary>
internal static class SentencePieceFixtures
{
    private const string Model = """
        "dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":true,"byte_fallback":true,"ignore_merges":false
        """;

    private const string Decoder = """
        {"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}
        """;

    private static readonly Lazy<(Dictionary<string, int> Vocab, List<(string, string)> Merges)> Pieces = new(Extract);

    /// <summary>Llama 2's original ("legacy") layout: Prepend("▁") + Replace(" ", "▁") normalizer, no pre-tokenizer.</summary>
    public static readonly Lazy<string> LegacyJson = new(() => TokenizerFixtures.Write("llama2-legacy.json", path =>
        TokenizerJsonWriter.WriteBpe(path, Pieces.Value.Vocab, Pieces.Value.Merges, Specials(),
            new TokenizerSections(
                Normalizer: """{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""",
                PostProcessor: TokenizerSections.Prefix("<s>", 1), Decoder: Decoder), Model)));

    /// <summary>The newer layout: a Metaspace pre-tokenizer that prepends "▁" only at the start of the input.</summary>
    public static readonly Lazy<string> MetaspaceJson = new(() => TokenizerFixtures.Write("llama2-metaspace.json", path =>
        TokenizerJsonWriter.WriteBpe(path, Pieces.Value.Vocab, Pieces.Value.Merges, Specials(),
            new TokenizerSections(
                PreTokenizer: """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}""",
                PostProcessor: TokenizerSections.Prefix("<s>", 1), Decoder: Decoder), Model)));

    /// <summary>
    /// Gemma's layout: Replace(" ", "▁") with no prefix, then a Split on " " (merged with the previous piece) that can
    /// no longer match, and no Strip in the decoder.
    /// </summary>
    public static readonly Lazy<string> GemmaJson = new(() => TokenizerFixtures.Write("gemma.json", path =>
        TokenizerJsonWriter.WriteBpe(path, Pieces.Value.Vocab, Pieces.Value.Merges, Specials(),
            new TokenizerSections(
                Normalizer: """{"type":"Replace","pattern":{"String":" "},"content":"▁"}""",
                PreTokenizer: """{"type":"Split","pattern":{"String":" "},"behavior":"MergedWithPrevious","invert":false}""",
                PostProcessor: TokenizerSections.Prefix("<s>", 1),
                Decoder: """{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"}]}"""),
            Model)));

    private static AddedToken[] Specials() => [new(0, "<unk>", true), new(1, "<s>", true), new(2, "</s>", true)];

    private static (Dictionary<string, int>, List<(string, string)>) Extract()
    {
        using var file = GgufFile.Open(TestModels.Stories260K);
        Assert.True(file.TryGet<string[]>("tokenizer.ggml.tokens", out var tokens));
        Assert.True(file.TryGet<float[]>("tokenizer.ggml.scores", out var scores));
        var vocab = tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var merges = new List<(float Score, int Order, int L, int R, string Left, string Right)>();
        foreach (var (piece, id) in vocab)
        {
            for (var i = 1; i < piece.Length; i++)
            {
                if (vocab.TryGetValue(piece[..i], out var l) && vocab.TryGetValue(piece[i..], out var r))
                {
                    merges.Add((scores[id], id, l, r, piece[..i], piece[i..]));
                }
            }
        }
        // Highest score first; Python's stable sort keeps vocabulary order, then the parts' ids, among equals.
        var ordered = merges.OrderByDescending(m => m.Score).ThenBy(m => m.Order).ThenBy(m => m.L).ThenBy(m => m.R);
        return (vocab, ordered.Select(m => (m.Left, m.Right)).ToList());
    }
}
