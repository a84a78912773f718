using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Hugging Face's rendering of a SentencePiece BPE model (Llama 2, Mistral, SmolLM-1 style <c>tokenizer.json</c>):
/// spaces are "▁" (by a Prepend/Replace normalizer or a Metaspace pre-tokenizer), characters are merged by merge
/// rank, and characters missing from the vocabulary fall back to byte tokens "&lt;0xNN&gt;".
/// </summary>
/// <remarks>
/// Merge ranks, not piece scores, decide the order here, which is what Hugging Face does with these files; the
/// GGUF path (<see cref="SentencePieceBpeTokenizer"/>) uses scores as llama.cpp and sentencepiece do. Decoding
/// keeps the "▁" of the first word as a space (Hugging Face's Strip decoder drops it from a whole-text decode, but
/// generated tokens continue a prompt, where that space is real; a whole-text decode drops it as the file's decoder says).
/// Special added tokens decode to nothing.
/// </remarks>
internal sealed class ByteFallbackBpeTokenizer : ITokenizer
{
    private readonly BpeModel _model;
    private readonly AddedTokenSplitter _splitter;
    private readonly Func<string, string> _normalize;
    private readonly Metaspace? _metaspace;
    private readonly byte[][] _bytes;
    private readonly bool[] _control;
    private readonly Dictionary<int, string> _specialText = [];

    public ByteFallbackBpeTokenizer(string?[] tokens, BpeModel model, IReadOnlyList<AddedToken> addedTokens,
        Func<string, string>? normalize, Metaspace? metaspace, int? bos, int? eos, bool addBos, bool decodeDropsLeadingSpace = false)
    {
        DecodeDropsLeadingSpace = decodeDropsLeadingSpace;
        _model = model;
        _splitter = new AddedTokenSplitter(addedTokens);
        _normalize = normalize ?? (static s => s);
        _metaspace = metaspace;
        BosId = bos;
        EosId = eos;
        AddBos = addBos;
        var marker = metaspace?.Replacement ?? '\u2581';
        _bytes = tokens.Select(t => t is null ? [] : PieceBytes(t, marker)).ToArray();
        _control = new bool[tokens.Length];
        foreach (var added in addedTokens)
        {
            _control[added.Id] = added.Special;
            if (added.Special)
            {
                _specialText[added.Id] = added.Content;
            }
            _bytes[added.Id] = added.Special ? [] : PieceBytes(added.Content, marker);
        }
    }

    public int VocabSize => _bytes.Length;
    public int? BosId { get; }
    public int? EosId { get; }
    public bool AddBos { get; }
    public bool DecodeDropsLeadingSpace { get; }

    public bool IsControl(int id) => (uint)id < (uint)_control.Length && _control[id];

    public string? SpecialText(int id) => _specialText.GetValueOrDefault(id);

    public ReadOnlySpan<byte> TokenBytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : [];

    public IReadOnlyList<int> Encode(string text, bool addSpecial)
    {
        var output = new List<int>();
        if (addSpecial && AddBos && BosId is int bos)
        {
            output.Add(bos);
        }
        foreach (var segment in _splitter.Split(text))
        {
            if (segment.Text is null)
            {
                output.Add(segment.Id);
                continue;
            }
            // Hugging Face normalizes each piece between added tokens on its own, so a Prepend("▁") normalizer
            // marks the start of every such piece, not only the start of the input.
            var normalized = _normalize(segment.Text);
            var words = _metaspace?.Run(normalized, segment.Start == 0) ?? [normalized];
            foreach (var word in words)
            {
                _model.Encode(word, output);
            }
        }
        return output;
    }

    private static byte[] PieceBytes(string piece, char marker)
    {
        if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var value))
        {
            return [value];
        }
        return Encoding.UTF8.GetBytes(piece.Replace(marker, ' '));
    }
}
