namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>
/// The NFA's subset construction, built on demand: a DFA state is a set of NFA states, and each (state, byte)
/// transition is computed the first time it is asked for. Thread-safe.
/// </summary>
/// <remarks>
/// NFA states that can no longer reach acceptance are left out of every set, so a byte that would lead only into them
/// leads to <see cref="Dead"/>: every state other than Dead can still be completed to a match.
/// </remarks>
internal sealed class LazyDfa
{
    public const int Dead = -1;
    private readonly Nfa _nfa;
    private readonly List<int[]> _sets = [];
    private readonly List<int[]> _transitions = [];   // per state: 256 entries, -2 = not computed yet
    private readonly List<bool> _accepting = [];
    private readonly Dictionary<string, int> _ids = [];
    private readonly Lock _gate = new();

    public LazyDfa(Nfa nfa)
    {
        _nfa = nfa;
        Start = InternOrDead(Closure([nfa.Start]));
    }

    public int Start { get; }

    public int StateCount { get { lock (_gate) { return _sets.Count; } } }

    public bool IsAccepting(int state)
    {
        if (state == Dead)
        {
            return false;
        }
        lock (_gate)
        {
            return _accepting[state];
        }
    }

    public int Next(int state, byte b)
    {
        lock (_gate)
        {
            return NextLocked(state, b);
        }
    }

    /// <summary>
    /// Runs <paramref name="walk"/> with the automaton locked once, so a walk that takes a hundred thousand
    /// transitions (a vocabulary trie) pays for one lock instead of one per transition; it calls
    /// <see cref="NextLocked"/>.
    /// </summary>
    public void Locked(Action walk)
    {
        lock (_gate)
        {
            walk();
        }
    }

    /// <summary><see cref="Next"/> for a caller inside <see cref="Locked"/>.</summary>
    public int NextLocked(int state, byte b)
    {
        if (state == Dead)
        {
            return Dead;
        }
        var cached = _transitions[state][b];
        if (cached != -2)
        {
            return cached;
        }
        var moved = new List<int>();
        foreach (var s in _sets[state])
        {
            if (_nfa.Edge(s) is { } edge && edge.Set[b])
            {
                moved.Add(edge.Target);
            }
        }
        var next = moved.Count == 0 ? Dead : InternOrDead(Closure(moved));
        _transitions[state][b] = next;
        return next;
    }

    private int[] Closure(IEnumerable<int> seeds)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<int>(seeds);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (seen.Add(s))
            {
                foreach (var e in _nfa.Epsilon(s))
                {
                    stack.Push(e);
                }
            }
        }
        // Only live states with a byte edge, plus acceptance, distinguish DFA states.
        return seen.Where(s => _nfa.IsLive(s) && (_nfa.Edge(s) is not null || s == _nfa.Accept)).Order().ToArray();
    }

    private int InternOrDead(int[] set) => set.Length == 0 ? Dead : Intern(set);

    private int Intern(int[] set)
    {
        var key = string.Join(',', set);
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }
        id = _sets.Count;
        _sets.Add(set);
        _transitions.Add(Enumerable.Repeat(-2, 256).ToArray());
        _accepting.Add(set.Contains(_nfa.Accept));
        _ids[key] = id;
        return id;
    }
}
