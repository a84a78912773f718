using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// SentencePiece-style BPE as in Llama 2 and GGUF "llama" vocabularies: spaces become U+2581, the text is split
/// into characters, and the adjacent pair whose merge is the highest-scoring vocabulary entry is merged until no
/// pair is in the vocabulary; what remains unknown falls back to byte tokens &lt;0xNN&gt;.
/// </summary>
internal sealed class SentencePieceBpeTokenizer : ITokenizer
{
    private const string SpaceMarker = "\u2581";
    private readonly string[] _pieces;
    private readonly float[] _scores;
    private readonly TokenKind[] _kinds;
    private readonly byte[][] _bytes;
    private readonly Dictionary<string, int> _ids;
    private readonly int[] _byteTokens = new int[256];
    private readonly bool _addSpacePrefix;

    public SentencePieceBpeTokenizer(string[] pieces, float[] scores, TokenKind[] kinds, int? bos, int? eos, bool addBos, bool addSpacePrefix)
    {
        _pieces = pieces;
        _scores = scores;
        _kinds = kinds;
        BosId = bos;
        EosId = eos;
        AddBos = addBos;
        _addSpacePrefix = addSpacePrefix;
        _ids = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (var i = 0; i < pieces.Length; i++)
        {
            _ids.TryAdd(pieces[i], i);
        }
        Array.Fill(_byteTokens, -1);
        _bytes = new byte[pieces.Length][];
        for (var i = 0; i < pieces.Length; i++)
        {
            _bytes[i] = PieceBytes(i);
        }
    }

    public int VocabSize => _pieces.Length;
    public int? BosId { get; }
    public int? EosId { get; }
    public bool AddBos { get; }

    public bool IsControl(int id) => _kinds[id] is TokenKind.Control or TokenKind.Unknown or TokenKind.Unused;

    public bool DecodeDropsLeadingSpace => _addSpacePrefix;

    public string? SpecialText(int id) => (uint)id < (uint)_pieces.Length && IsControl(id) ? _pieces[id] : null;

    public ReadOnlySpan<byte> TokenBytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : [];

    public IReadOnlyList<int> Encode(string text, bool addSpecial)
    {
        var output = new List<int>();
        if (addSpecial && AddBos && BosId is int bos)
        {
            output.Add(bos);
        }
        if (text.Length == 0)
        {
            return output;
        }
        var escaped = (_addSpacePrefix ? " " + text : text).Replace(" ", SpaceMarker, StringComparison.Ordinal);
        foreach (var piece in SpmMerger.Merge(escaped, _ids, _scores))
        {
            if (_ids.TryGetValue(piece, out var id))
            {
                output.Add(id);
                continue;
            }
            foreach (var b in Encoding.UTF8.GetBytes(piece))
            {
                var byteId = _byteTokens[b];
                if (byteId < 0)
                {
                    throw new InvalidOperationException($"The vocabulary has no byte token for 0x{b:X2} and no piece for '{piece}'.");
                }
                output.Add(byteId);
            }
        }
        return output;
    }

    private byte[] PieceBytes(int id)
    {
        var piece = _pieces[id];
        if (_kinds[id] == TokenKind.Byte && piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal))
        {
            var value = Convert.ToByte(piece.Substring(3, 2), 16);
            _byteTokens[value] = id;
            return [value];
        }
        return IsControl(id) ? [] : Encoding.UTF8.GetBytes(piece.Replace(SpaceMarker, " ", StringComparison.Ordinal));
    }
}
