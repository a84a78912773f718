using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// A compiled output constraint for one tokenizer: which tokens may come next in a DFA state (cached per state, so
/// a state seen before costs one lookup) and the state after a token. EOS is allowed exactly in accepting states.
/// </summary>
internal sealed class TokenMasker(LazyDfa dfa, TokenTrie trie)
{
    private readonly Dictionary<int, ulong[]> _masks = [];
    private readonly Lock _gate = new();

    public int Start => dfa.Start;

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
            Walk(trie.Root, state, mask);
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
        for (var i = 0; i < logits.Length; i++)
        {
            if ((mask[i >> 6] & (1UL << (i & 63))) == 0 && !(accepting && eosIds.Contains(i)))
            {
                logits[i] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>True when nothing but ending is possible (no token continues the output).</summary>
    public bool MustEnd(int state) => dfa.IsAccepting(state) && Allowed(state).All(w => w == 0);

    private void Walk(TokenTrie.Node node, int state, ulong[] mask)
    {
        foreach (var (b, child) in node.Children)
        {
            var next = dfa.Next(state, b);
            if (next == LazyDfa.Dead)
            {
                continue;
            }
            foreach (var token in child.Tokens)
            {
                mask[token >> 6] |= 1UL << (token & 63);
            }
            Walk(child, next, mask);
        }
    }
}
