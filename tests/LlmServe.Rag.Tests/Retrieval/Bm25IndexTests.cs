using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Tests.Retrieval;

/// <summary>
/// Corpus: d0 = [a b], d1 = [a c c], d2 = [b]; N = 3, avgdl = (2 + 3 + 1) / 3 = 2, k1 = 1.2, b = 0.75.
/// idf(a) = idf(b) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6; idf(c) = ln(1 + 2.5 / 1.5) = ln(8/3).
/// Length norms k1 * (1 - b + b * |d| / avgdl): d0 = 1.2, d1 = 1.2 * 1.375 = 1.65, d2 = 1.2 * 0.625 = 0.75.
/// </summary>
public sealed class Bm25IndexTests
{
    private const double Precision = 12;

    private static readonly Bm25Index Index = new([["a", "b"], ["a", "c", "c"], ["b"]]);

    [Fact]
    public void Idf_KnownAndUnknownTerms_UsesLuceneFormula()
    {
        Assert.Equal(Math.Log(1.6), Index.Idf("a"), Precision);
        Assert.Equal(Math.Log(8.0 / 3.0), Index.Idf("c"), Precision);
        // df = 0: ln(1 + 3.5 / 0.5) = ln 8.
        Assert.Equal(Math.Log(8), Index.Idf("zzz"), Precision);
    }

    [Fact]
    public void Score_TermTwiceInLongerDocument_MatchesHandComputedValue()
    {
        // d1, "c": tf = 2 -> ln(8/3) * 2 * 2.2 / (2 + 1.65) = ln(8/3) * 4.4 / 3.65.
        Assert.Equal(Math.Log(8.0 / 3.0) * 4.4 / 3.65, Index.Score(1, ["c"]), Precision);
    }

    [Fact]
    public void Search_TwoTermQuery_RanksByHandComputedScores()
    {
        // d0: 2 * ln1.6 * 2.2 / (1 + 1.2) = 2 ln1.6 ~ 0.940
        // d2: ln1.6 * 2.2 / (1 + 0.75)          ~ 0.591
        // d1: ln1.6 * 2.2 / (1 + 1.65)          ~ 0.390
        var hits = Index.Search(["a", "b"], topK: 3);

        Assert.Equal([0, 2, 1], hits.Select(h => h.Document));
        Assert.Equal(2 * Math.Log(1.6), hits[0].Score, Precision);
        Assert.Equal(Math.Log(1.6) * 2.2 / 1.75, hits[1].Score, Precision);
        Assert.Equal(Math.Log(1.6) * 2.2 / 2.65, hits[2].Score, Precision);
    }

    [Fact]
    public void Search_TopKSmallerThanMatches_ReturnsOnlyBest()
    {
        Assert.Equal([0], Index.Search(["a", "b"], topK: 1).Select(h => h.Document));
    }

    [Fact]
    public void Search_TermInNoDocument_ReturnsNothing()
    {
        Assert.Empty(Index.Search(["zzz"], topK: 3));
    }

    [Fact]
    public void Score_RepeatedQueryTerm_CountsOnce()
    {
        Assert.Equal(Index.Score(1, ["c"]), Index.Score(1, ["c", "c"]), Precision);
    }

    [Fact]
    public void Search_EqualScores_EarlierDocumentFirst()
    {
        var index = new Bm25Index([["x"], ["y"], ["x"]]);

        Assert.Equal([0, 2], index.Search(["x"], topK: 5).Select(h => h.Document));
    }

    [Fact]
    public void Search_EmptyCorpus_ReturnsNothing()
    {
        Assert.Empty(new Bm25Index([]).Search(["a"], topK: 1));
    }
}
