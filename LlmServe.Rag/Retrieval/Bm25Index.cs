namespace LlmServe.Rag.Retrieval;

/// <summary>An immutable Okapi BM25 index over pre-tokenised documents.</summary>
/// <remarks>
/// For a query q with distinct terms t, document d of length |d| and average length avgdl over N documents:
/// <code>
///   score(d, q) = sum over t of  idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl))
///   idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
/// </code>
/// This idf (Lucene's) is never negative, so a term found in most documents still counts a little instead of
/// pushing matching documents below non-matching ones. Repeated query terms count once.
/// </remarks>
internal sealed class Bm25Index
{
    public const double DefaultK1 = 1.2;
    public const double DefaultB = 0.75;

    private readonly Dictionary<string, int>[] _termFrequencies;
    private readonly int[] _lengths;
    private readonly Dictionary<string, int> _documentFrequencies = new(StringComparer.Ordinal);
    private readonly double _averageLength;
    private readonly double _k1;
    private readonly double _b;

    public Bm25Index(IReadOnlyList<IReadOnlyList<string>> documents, double k1 = DefaultK1, double b = DefaultB)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _k1 = k1;
        _b = b;
        _termFrequencies = new Dictionary<string, int>[documents.Count];
        _lengths = new int[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in documents[i])
            {
                frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
            }
            foreach (var term in frequencies.Keys)
            {
                _documentFrequencies[term] = _documentFrequencies.GetValueOrDefault(term) + 1;
            }
            _termFrequencies[i] = frequencies;
            _lengths[i] = documents[i].Count;
        }
        _averageLength = documents.Count == 0 ? 0 : _lengths.Average();
    }

    /// <summary>Number of documents in the corpus.</summary>
    public int Count => _lengths.Length;

    public double Idf(string term)
    {
        var df = _documentFrequencies.GetValueOrDefault(term);
        return Math.Log(1 + ((Count - df + 0.5) / (df + 0.5)));
    }

    /// <summary>The BM25 score of one document for the given query terms.</summary>
    public double Score(int document, IEnumerable<string> queryTerms)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(document);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(document, Count);
        var frequencies = _termFrequencies[document];
        // An all-empty corpus has avgdl 0; every length ratio is then 0/0, so treat it as 1 (average length).
        var lengthRatio = _averageLength == 0 ? 1 : _lengths[document] / _averageLength;
        var norm = _k1 * (1 - _b + (_b * lengthRatio));
        var score = 0.0;
        foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
        {
            if (frequencies.TryGetValue(term, out var tf))
            {
                score += Idf(term) * tf * (_k1 + 1) / (tf + norm);
            }
        }
        return score;
    }

    /// <summary>
    /// The <paramref name="topK"/> best documents with a positive score, best first; ties go to the earlier document
    /// so results are deterministic.
    /// </summary>
    public IReadOnlyList<Bm25Hit> Search(IEnumerable<string> queryTerms, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var terms = queryTerms.Distinct(StringComparer.Ordinal).ToArray();
        return [.. Enumerable.Range(0, Count)
            .Select(d => new Bm25Hit(d, Score(d, terms)))
            .Where(h => h.Score > 0)
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Document)
            .Take(topK)];
    }
}
