using LlmServe.Conversion.Gguf;

namespace LlmServe.Checkpoints.Vocab;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary as GGUF stores it: pieces, merge scores and token types
/// (1 normal, 2 unknown, 3 control, 6 byte).
/// </summary>
public sealed record Vocabulary(IReadOnlyList<string> Tokens, IReadOnlyList<float> Scores, IReadOnlyList<int> TokenTypes,
    int UnknownId, int BosId, int EosId)
{
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int Byte = 6;

    /// <summary>&lt;unk&gt;, &lt;s&gt;, &lt;/s&gt; and the 256 byte tokens: the least a llama vocabulary needs.</summary>
    public const int MinimumSize = 3 + 256;

    public int Size => Tokens.Count;

    /// <summary>The tokenizer of a GGUF file (tokenizer.ggml.model "llama").</summary>
    public static Vocabulary FromGguf(string path)
    {
        using var file = GgufFile.Open(path);
        var metadata = file.Metadata;
        if (!metadata.TryGetValue("tokenizer.ggml.model", out var model) || model is not "llama")
        {
            throw new InvalidDataException($"'{path}' has no SentencePiece (\"llama\") tokenizer to copy.");
        }
        var tokens = (string[])metadata["tokenizer.ggml.tokens"];
        return new Vocabulary(tokens,
            metadata.TryGetValue("tokenizer.ggml.scores", out var s) ? (float[])s : new float[tokens.Length],
            metadata.TryGetValue("tokenizer.ggml.token_type", out var t) ? (int[])t : Enumerable.Repeat(Normal, tokens.Length).ToArray(),
            Id(metadata, "tokenizer.ggml.unknown_token_id", 0),
            Id(metadata, "tokenizer.ggml.bos_token_id", 1),
            Id(metadata, "tokenizer.ggml.eos_token_id", 2));
    }

    /// <summary>Control tokens, byte tokens, then filler pieces "▁t{id}" with decreasing scores.</summary>
    public static Vocabulary Synthetic(int size) =>
        new Vocabulary(["<unk>", "<s>", "</s>"], [0f, 0f, 0f], [Unknown, Control, Control], 0, 1, 2)
            .Append(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f, Byte)))
            .Resize(size);

    /// <summary>The first <paramref name="size"/> entries, padded with filler pieces when this vocabulary is smaller.</summary>
    public Vocabulary Resize(int size)
    {
        if (size < MinimumSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A llama vocabulary needs at least {MinimumSize} tokens.");
        }
        if (size <= Size)
        {
            return this with { Tokens = Tokens.Take(size).ToArray(), Scores = Scores.Take(size).ToArray(), TokenTypes = TokenTypes.Take(size).ToArray() };
        }
        var lowest = Scores.Count > 0 ? Math.Min(0f, Scores.Min()) : 0f;
        var existing = Tokens.ToHashSet(StringComparer.Ordinal);
        var filler = Enumerable.Range(Size, int.MaxValue - Size)
            .Select(id => "\u2581t" + id)
            .Where(piece => !existing.Contains(piece))
            .Take(size - Size)
            .Select((piece, i) => (piece, lowest - 1 - i, Normal));
        return Append(filler);
    }

    private Vocabulary Append(IEnumerable<(string Piece, float Score, int Type)> entries)
    {
        var list = entries.ToList();
        return this with
        {
            Tokens = [.. Tokens, .. list.Select(e => e.Piece)],
            Scores = [.. Scores, .. list.Select(e => e.Score)],
            TokenTypes = [.. TokenTypes, .. list.Select(e => e.Type)],
        };
    }

    private static int Id(IReadOnlyDictionary<string, object> metadata, string key, int fallback) =>
        metadata.TryGetValue(key, out var v) ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
