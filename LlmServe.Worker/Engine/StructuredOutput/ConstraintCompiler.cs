using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// Compiles constraints for one tokenizer, once per distinct spec: later requests with the same schema reuse the
/// automaton and its per-state token masks. The cache keeps the <paramref name="capacity"/> most recently used
/// constraints: clients that send a new schema with every request (generated enums, per-user fields) must not grow
/// the replica's memory without bound.
/// </summary>
internal sealed class ConstraintCompiler(ITokenizer tokenizer, int capacity = ConstraintCompiler.DefaultCapacity,
    int maxStates = LazyDfa.DefaultMaxStates)
{
    public const int DefaultCapacity = 256;

    private readonly Lazy<TokenTrie> _trie = new(() => new TokenTrie(tokenizer));
    private readonly Dictionary<OutputConstraint, LinkedListNode<(OutputConstraint Key, Lazy<TokenMasker> Value)>> _entries = [];
    private readonly LinkedList<(OutputConstraint Key, Lazy<TokenMasker> Value)> _recency = new(); // most recent first
    private readonly Lock _lock = new();

    /// <summary>Constraints held now (at most the capacity).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public TokenMasker Compile(OutputConstraint constraint)
    {
        var lazy = Entry(constraint);
        try
        {
            // Outside the lock: a slow compilation holds up only the requests waiting for the same constraint.
            return lazy.Value;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            Remove(constraint, lazy);
            throw new ArgumentException(ex.Message, ex);
        }
    }

    private Lazy<TokenMasker> Entry(OutputConstraint constraint)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(constraint, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Value;
            }
            var lazy = new Lazy<TokenMasker>(() => Build(constraint));
            _entries[constraint] = _recency.AddFirst((constraint, lazy));
            if (_entries.Count > capacity)
            {
                // Requests already holding the evicted masker keep using it; only the cache lets go.
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
            return lazy;
        }
    }

    private TokenMasker Build(OutputConstraint constraint)
    {
        var nfa = Nfa.Build(constraint.ToRx());
        if (!nfa.MatchesAnything)
        {
            throw new ArgumentException("no output can match it (an empty enum, anyOf or character class?).");
        }
        var masker = new TokenMasker(new LazyDfa(nfa, maxStates), _trie.Value);
        bool stuck;
        try
        {
            stuck = masker.IsStuck(masker.Start);
        }
        catch (InvalidOperationException ex)
        {
            // The first token's mask alone outgrew the automaton's limit: a bad constraint, not a server fault.
            throw new ArgumentException(ex.Message, ex);
        }
        if (stuck)
        {
            throw new ArgumentException("no token of this model's vocabulary can begin an output that matches it.");
        }
        return masker;
    }

    private void Remove(OutputConstraint constraint, Lazy<TokenMasker> failed)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(constraint, out var node) && ReferenceEquals(node.Value.Value, failed))
            {
                _recency.Remove(node);
                _entries.Remove(constraint);
            }
        }
    }
}
