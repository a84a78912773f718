namespace LlmServe.Worker.Tokenization;

/// <summary>
/// GPT-2 style byte-level BPE as in Hugging Face <c>tokenizers</c> (GPT-2, Llama 3, Qwen2, SmolLM): added tokens are
/// cut out first, each remaining piece is normalized and pre-tokenized by regex, each word's UTF-8 bytes are mapped
/// through <see cref="ByteLevelAlphabet"/> and merged by rank.
/// </summary>
/// <remarks>
/// Decoding follows vLLM's default <c>skip_special_tokens=True</c>: special added tokens (BOS, EOS, chat markers)
/// contribute no bytes, so they never show up in generated text; non-special added tokens decode to their content.
/// </remarks>
internal sealed class ByteLevelBpeTokenizer : ITokenizer
{
    private readonly BpeModel _model;
    private readonly AddedTokenSplitter _splitter;
    private readonly PreTokenizer _preTokenizer;
    private readonly Func<string, string> _normalize;
    private readonly byte[][] _bytes;
    private readonly bool[] _control;
    private readonly Dictionary<int, string> _specialText = [];

    /// <param name="tokens">Each id's vocabulary string (byte-level alphabet; added tokens as their text); null for gaps.</param>
    public ByteLevelBpeTokenizer(string?[] tokens, BpeModel model, IReadOnlyList<AddedToken> addedTokens, PreTokenizer preTokenizer,
        Func<string, string>? normalize, int? bos, int? eos, bool addBos)
    {
        _model = model;
        _splitter = new AddedTokenSplitter(addedTokens);
        _preTokenizer = preTokenizer;
        _normalize = normalize ?? (static s => s);
        BosId = bos;
        EosId = eos;
        AddBos = addBos;
        _bytes = new byte[tokens.Length][];
        _control = new bool[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            _bytes[i] = tokens[i] is string token ? ByteLevelAlphabet.Decode(token) : [];
        }
        foreach (var added in addedTokens)
        {
            _control[added.Id] = added.Special;
            if (added.Special)
            {
                _specialText[added.Id] = added.Content;
            }
            _bytes[added.Id] = added.Special ? [] : ByteLevelAlphabet.Decode(added.Content);
        }
    }

    public int VocabSize => _bytes.Length;
    public int? BosId { get; }
    public int? EosId { get; }
    public bool AddBos { get; }

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
            foreach (var word in _preTokenizer.Run(_normalize(segment.Text)))
            {
                _model.Encode(ByteLevelAlphabet.Encode(word), output);
            }
        }
        return output;
    }
}
