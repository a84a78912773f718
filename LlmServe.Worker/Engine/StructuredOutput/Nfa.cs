namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>A Thompson NFA over bytes: states with epsilon edges and at most one byte-set edge each.</summary>
internal sealed class Nfa
{
    private readonly List<List<int>> _epsilon = [];
    private readonly List<(bool[] Set, int Target)?> _edges = [];

    private bool[] _live = [];

    public int Start { get; private set; }
    public int Accept { get; private set; }
    public int Count => _edges.Count;

    /// <summary>Whether any byte string at all matches (false for an empty enum, an empty anyOf, an empty class...).</summary>
    public bool MatchesAnything => _live[Start];

    public static Nfa Build(Rx rx)
    {
        var nfa = new Nfa();
        var (start, accept) = nfa.Compile(rx);
        nfa.Start = start;
        nfa.Accept = accept;
        nfa._live = nfa.LiveStates();
        return nfa;
    }

    /// <summary>
    /// Whether the accept state can still be reached from <paramref name="state"/>. A state that cannot (the far side
    /// of an empty alternation or byte set) is a dead end: an output steered into it could never be completed.
    /// </summary>
    public bool IsLive(int state) => _live[state];

    public IReadOnlyList<int> Epsilon(int state) => _epsilon[state];

    public (bool[] Set, int Target)? Edge(int state) => _edges[state];

    /// <summary>The states that reach Accept, found backwards from it over epsilon edges and non-empty byte edges.</summary>
    private bool[] LiveStates()
    {
        var predecessors = new List<int>[Count];
        for (var s = 0; s < Count; s++)
        {
            foreach (var e in _epsilon[s])
            {
                (predecessors[e] ??= []).Add(s);
            }
            if (_edges[s] is { } edge && edge.Set.Contains(true))
            {
                (predecessors[edge.Target] ??= []).Add(s);
            }
        }
        var live = new bool[Count];
        var stack = new Stack<int>([Accept]);
        live[Accept] = true;
        while (stack.Count > 0)
        {
            foreach (var p in predecessors[stack.Pop()] ?? [])
            {
                if (!live[p])
                {
                    live[p] = true;
                    stack.Push(p);
                }
            }
        }
        return live;
    }

    private int NewState()
    {
        _epsilon.Add([]);
        _edges.Add(null);
        if (_edges.Count > 200_000)
        {
            throw new ArgumentException("The output constraint is too large to compile.");
        }
        return _edges.Count - 1;
    }

    private (int Start, int Accept) Compile(Rx rx)
    {
        switch (rx)
        {
            case RxSet set:
            {
                int s = NewState(), a = NewState();
                _edges[s] = (set.Bytes, a);
                return (s, a);
            }
            case RxSeq seq:
            {
                int s = NewState(), current = s;
                foreach (var part in seq.Parts)
                {
                    var (ps, pa) = Compile(part);
                    _epsilon[current].Add(ps);
                    current = pa;
                }
                return (s, current);
            }
            case RxAlt alt:
            {
                int s = NewState(), a = NewState();
                foreach (var option in alt.Options)
                {
                    var (os, oa) = Compile(option);
                    _epsilon[s].Add(os);
                    _epsilon[oa].Add(a);
                }
                return (s, a);
            }
            case RxRepeat repeat:
            {
                int s = NewState(), current = s;
                for (var i = 0; i < repeat.Min; i++)
                {
                    var (ps, pa) = Compile(repeat.Inner);
                    _epsilon[current].Add(ps);
                    current = pa;
                }
                var end = NewState();
                _epsilon[current].Add(end);
                if (repeat.Max is null)
                {
                    var (ls, la) = Compile(repeat.Inner);
                    _epsilon[current].Add(ls);
                    _epsilon[la].Add(current);
                }
                else
                {
                    for (var i = repeat.Min; i < repeat.Max; i++)
                    {
                        var (os, oa) = Compile(repeat.Inner);
                        _epsilon[current].Add(os);
                        _epsilon[oa].Add(end);
                        current = oa;
                    }
                }
                return (s, end);
            }
            default:
                throw new ArgumentException($"Unknown expression {rx.GetType().Name}.");
        }
    }
}
