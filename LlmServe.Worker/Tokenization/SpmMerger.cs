
namespace LlmServe.Worker.Tokenization;

/// <summary>
/// The SentencePiece BPE merge loop: start from single characters, repeatedly merge the adjacent pair whose
/// concatenation is the best-scoring vocabulary piece (ties go to the leftmost pair).
/// </summary>
internal static class SpmMerger
{
    private readonly record struct Bigram(int Left, int Right, float Score, int Length);

    private sealed class ScoreOrder : IComparer<(float Score, int Left)>
    {
        public static readonly ScoreOrder Instance = new();

        // PriorityQueue dequeues the smallest: make the highest score, then the lowest left index, the smallest.
        public int Compare((float Score, int Left) x, (float Score, int Left) y) =>
            x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Left.CompareTo(y.Left);
    }

    public static List<string> Merge(string text, IReadOnlyDictionary<string, int> ids, float[] scores)
    {
        // Symbols are code points (surrogate pairs kept whole) in a doubly linked list.
        var pieces = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            var len = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            pieces.Add(text.Substring(i, len));
            i += len;
        }
        var n = pieces.Count;
        var prev = new int[n];
        var next = new int[n];
        for (var i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        var queue = new PriorityQueue<Bigram, (float, int)>(ScoreOrder.Instance);
        void TryAdd(int left, int right)
        {
            if (left < 0 || right < 0)
            {
                return;
            }
            var merged = pieces[left] + pieces[right];
            if (ids.TryGetValue(merged, out var id))
            {
                queue.Enqueue(new Bigram(left, right, scores[id], merged.Length), (scores[id], left));
            }
        }
        for (var i = 1; i < n; i++)
        {
            TryAdd(i - 1, i);
        }
        while (queue.TryDequeue(out var bigram, out _))
        {
            var (left, right) = (bigram.Left, bigram.Right);
            // Stale entry: one side has been merged away or grown since this pair was queued.
            if (pieces[left].Length == 0 || pieces[right].Length == 0 || pieces[left].Length + pieces[right].Length != bigram.Length
                || next[left] != right)
            {
                continue;
            }
            pieces[left] += pieces[right];
            pieces[right] = string.Empty;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }
            TryAdd(prev[left], left);
            TryAdd(left, next[left]);
        }

        var result = new List<string>();
        for (var i = 0; i >= 0 && n > 0; i = next[i])
        {
            result.Add(pieces[i]);
        }
        return result;
    }
}
