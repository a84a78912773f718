namespace LlmServe.Rag.Collections;

/// <summary>
/// Reciprocal rank fusion: merges ranked lists whose scores are not comparable (BM25 and cosine) by rank alone,
/// <c>score(d) = sum over lists of 1 / (k + rank(d))</c> with ranks from 1 and k = 60 (Cormack et al., 2009).
/// </summary>
internal static class ReciprocalRankFusion
{
    public const int DefaultK = 60;

    /// <summary>The fused ranking, best first; ties keep the order of first appearance.</summary>
    public static IReadOnlyList<(TKey Key, double Score)> Fuse<TKey>(IEnumerable<IReadOnlyList<TKey>> rankings, int k = DefaultK)
        where TKey : notnull
    {
        var scores = new Dictionary<TKey, double>();
        var firstSeen = new Dictionary<TKey, int>();
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var key = ranking[rank];
                scores[key] = scores.GetValueOrDefault(key) + (1.0 / (k + rank + 1));
                firstSeen.TryAdd(key, firstSeen.Count);
            }
        }
        return [.. scores.OrderByDescending(p => p.Value).ThenBy(p => firstSeen[p.Key]).Select(p => (p.Key, p.Value))];
    }
}
