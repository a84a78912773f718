using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// A compiled output constraint for one tokenizer: which tokens may come next in a DFA state (cached per state, so
/// a state seen before costs one lookup) and the state after a token. EOS is allowed exactly in accepting states.
/// </summary>
internal sealed class TokenMasker(LazyDfa dfa, TokenTrie trie)
{
    /// <summary>
    /// Masks kept at most (a mask is V/8 bytes, ~19 KB for a 151k vocabulary): a constraint that wanders through more
    /// states than this starts over with an empty cache instead of keeping every mask it ever computed.
    /// </summary>
    public const int MaxCachedMasks = 1024;

    private readonly Dictionary<int, ulong[]> _masks = [];
    private readonly Lock _gate = new();

    public int Start => dfa.Start;

    /// <summary>Masks held now (at most <see cref="MaxCachedMasks"/>).</summary>
    public int CachedMasks
    {
        get
        {
            lock (_gate)
            {
                return _masks.Count;
            }
        }
    }

    public bool IsAccepting(int state) => dfa.IsAccepting(state);

    /// <summary>Bit i set when token i keeps the output inside the language.</summary>
    public ulong[] Allowed(int state)
    {
        lock (_gate)
        {
            if (_masks.TryGetValue(state, out var cached))
            {
                return cached;
            }
            var mask = new ulong[(trie.VocabSize + 63) / 64];
            dfa.Locked(() => Walk(trie.Root, state, mask));
            if (_masks.Count >= MaxCachedMasks)
            {
                _masks.Clear();
            }
            _masks[state] = mask;
            return mask;
        }
    }

    public int Advance(int state, ITokenizer tokenizer, int token)
    {
        foreach (var b in tokenizer.TokenBytes(token))
        {
            state = dfa.Next(state, b);
            if (state == LazyDfa.Dead)
            {
                break;
            }
        }
        return state;
    }

    /// <summary>Sets disallowed logits to -inf; EOS stays only where the output may end.</summary>
    public void Apply(Span<float> logits, int state, IReadOnlyList<int> eosIds)
    {
        var mask = Allowed(state);
        var accepting = dfa.IsAccepting(state);
        // EOS tokens are control tokens, outside the trie: where the output may end they keep their logits.
        float[]? eosLogits = null;
        if (accepting)
        {
            eosLogits = new float[eosIds.Count];
            for (var i = 0; i < eosIds.Count; i++)
            {
                eosLogits[i] = eosIds[i] < logits.Length ? logits[eosIds[i]] : 0f;
            }
        }
        // Whole 64-token words at a time: a full word is skipped, an empty one is filled at once.
        for (var word = 0; word * 64 < logits.Length; word++)
        {
            var bits = word < mask.Length ? mask[word] : 0;   // logits past the vocabulary (padding) are never allowed
            if (bits == ulong.MaxValue)
            {
                continue;
            }
            var from = word * 64;
            var to = Math.Min(from + 64, logits.Length);
            if (bits == 0)
            {
                logits[from..to].Fill(float.NegativeInfinity);
                continue;
            }
            for (var i = from; i < to; i++)
            {
                if ((bits & (1UL << (i - from))) == 0)
                {
                    logits[i] = float.NegativeInfinity;
                }
            }
        }
        if (eosLogits is not null)
        {
            for (var i = 0; i < eosIds.Count; i++)
            {
                if (eosIds[i] < logits.Length)
                {
                    logits[eosIds[i]] = eosLogits[i];
                }
            }
        }
    }

    /// <summary>True when nothing but ending is possible (no token continues the output).</summary>
    public bool MustEnd(int state) => dfa.IsAccepting(state) && Allowed(state).All(w => w == 0);

    /// <summary>
    /// True when the output can neither end nor continue: no token of the vocabulary spells a way on (the bytes the
    /// constraint needs next are not in any token), or the state is dead.
    /// </summary>
    public bool IsStuck(int state) => !dfa.IsAccepting(state) && Allowed(state).All(w => w == 0);

    private void Walk(TokenTrie.Node node, int state, ulong[] mask)
    {
        var bytes = node.Bytes;
        var kids = node.Kids;
        for (var i = 0; i < bytes.Length; i++)
        {
            var next = dfa.NextLocked(state, bytes[i]);
            if (next == LazyDfa.Dead)
            {
                continue;
            }
            var child = kids[i];
            foreach (var token in child.TokenIds)
            {
                mask[token >> 6] |= 1UL << (token & 63);
            }
            if (child.Kids.Length > 0)
            {
                Walk(child, next, mask);
            }
        }
    }
}
