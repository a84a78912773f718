namespace LlmServe.Worker.Chat.Jinja;

/// <summary>A Python dict: insertion-ordered, with keys compared as Python does (1 == 1.0 == True).</summary>
internal sealed class JinjaDict() : OrderedDictionary<object, object?>(KeyComparer.Instance)
{
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => Jinja.Values.Equal(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            bool b => b ? 1 : 0,
            long l => l.GetHashCode(),
            double d when d == Math.Floor(d) && Math.Abs(d) < 9.2e18 => ((long)d).GetHashCode(),
            string s => StringComparer.Ordinal.GetHashCode(s),
            _ => obj.GetHashCode(),
        };
    }
}
