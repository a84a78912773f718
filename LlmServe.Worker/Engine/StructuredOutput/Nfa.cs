namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>A Thompson NFA over bytes: states with epsilon edges and at most one byte-set edge each.</summary>
internal sealed class Nfa
{
    private readonly List<List<int>> _epsilon = [];
    private readonly List<(bool[] Set, int Target)?> _edges = [];

    public int Start { get; private set; }
    public int Accept { get; private set; }
    public int Count => _edges.Count;

    public static Nfa Build(Rx rx)
    {
        var nfa = new Nfa();
        var (start, accept) = nfa.Compile(rx);
        nfa.Start = start;
        nfa.Accept = accept;
        return nfa;
    }

    public IReadOnlyList<int> Epsilon(int state) => _epsilon[state];

    public (bool[] Set, int Target)? Edge(int state) => _edges[state];

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
