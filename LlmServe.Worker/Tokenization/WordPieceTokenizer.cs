using System.Text;

namespace LlmServe.Worker.Tokenization;

/// <summary>
/// BERT's WordPiece (all-MiniLM-L6-v2 and other sentence encoders): <see cref="BertBasicTokenizer"/> words, each
/// split greedily into the longest vocabulary prefix followed by "##" continuations; a word that cannot be split
/// completely, or is longer than <c>max_input_chars_per_word</c> characters, becomes [UNK].
/// </summary>
/// <remarks>
/// With <c>addSpecial</c> the ids are wrapped as [CLS] … [SEP], so <see cref="BosId"/> is [CLS] and
/// <see cref="EosId"/> is [SEP]. Decoding puts a space before every word-initial piece (also the first one) and
/// joins "##" pieces; special tokens decode to nothing.
/// </remarks>
internal sealed class WordPieceTokenizer : ITokenizer
{
    private static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private readonly Dictionary<string, int> _vocab;
    private readonly string _prefix;
    private readonly int _unkId;
    private readonly int _maxChars;
    private readonly BertBasicTokenizer _basic;
    private readonly AddedTokenSplitter _splitter;
    private readonly byte[][] _bytes;
    private readonly bool[] _control;
    private readonly Dictionary<int, string> _specialText = [];

    public WordPieceTokenizer(string?[] tokens, BertBasicTokenizer basic, IReadOnlyList<AddedToken> addedTokens, string unkToken,
        int? cls, int? sep, string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100)
    {
        _vocab = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] is string token)
            {
                _vocab.TryAdd(token, i);
            }
        }
        _unkId = _vocab.TryGetValue(unkToken, out var unk) ? unk : throw new InvalidDataException($"The vocabulary lacks the unknown token '{unkToken}'.");
        _prefix = continuingSubwordPrefix;
        _maxChars = maxInputCharsPerWord;
        _basic = basic;
        _splitter = new AddedTokenSplitter(addedTokens);
        BosId = cls;
        EosId = sep;
        _control = new bool[tokens.Length];
        foreach (var added in addedTokens)
        {
            _control[added.Id] = added.Special;
            if (added.Special)
            {
                _specialText[added.Id] = added.Content;
            }
        }
        _bytes = tokens.Select((t, i) => t is null || _control[i] ? [] : Encoding.UTF8.GetBytes(
            t.StartsWith(_prefix, StringComparison.Ordinal) ? t[_prefix.Length..] : " " + t)).ToArray();
    }

    /// <summary>A BERT tokenizer from a vocab.txt (one token per line, the line number is the id).</summary>
    public static WordPieceTokenizer FromVocab(IEnumerable<string> lines, bool lowercase = true)
    {
        var tokens = lines.ToArray();
        var ids = tokens.Select((t, i) => (t, i)).GroupBy(x => x.t).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var added = SpecialTokens.Where(ids.ContainsKey).Select(t => new AddedToken(ids[t], t, Special: true)).ToList();
        return new WordPieceTokenizer(tokens, new BertBasicTokenizer(lowercase, lowercase), added, "[UNK]",
            ids.TryGetValue("[CLS]", out var cls) ? cls : null, ids.TryGetValue("[SEP]", out var sep) ? sep : null);
    }

    public int VocabSize => _bytes.Length;
    public int? BosId { get; }
    public int? EosId { get; }
    public bool AddBos => BosId is not null;

    public bool IsControl(int id) => (uint)id < (uint)_control.Length && _control[id];

    public string? SpecialText(int id) => _specialText.GetValueOrDefault(id);

    public ReadOnlySpan<byte> TokenBytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : [];

    public IReadOnlyList<int> Encode(string text, bool addSpecial)
    {
        var output = new List<int>();
        if (addSpecial && BosId is int cls)
        {
            output.Add(cls);
        }
        foreach (var segment in _splitter.Split(text))
        {
            if (segment.Text is null)
            {
                output.Add(segment.Id);
                continue;
            }
            foreach (var word in _basic.Split(segment.Text))
            {
                EncodeWord(word, output);
            }
        }
        if (addSpecial && EosId is int sep)
        {
            output.Add(sep);
        }
        return output;
    }

    private void EncodeWord(string word, List<int> output)
    {
        if (word.EnumerateRunes().Count() > _maxChars)
        {
            output.Add(_unkId);
            return;
        }
        var pieces = new List<int>();
        for (var start = 0; start < word.Length;)
        {
            var end = word.Length;
            var found = -1;
            while (end > start)
            {
                var piece = start > 0 ? _prefix + word[start..end] : word[start..end];
                if (_vocab.TryGetValue(piece, out found))
                {
                    break;
                }
                found = -1;
                end -= char.IsLowSurrogate(word[end - 1]) && end - 2 >= start ? 2 : 1;
            }
            if (found < 0)
            {
                output.Add(_unkId);
                return;
            }
            pieces.Add(found);
            start = end;
        }
        output.AddRange(pieces);
    }
}
