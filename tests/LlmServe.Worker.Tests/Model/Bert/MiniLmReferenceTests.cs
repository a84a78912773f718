namespace LlmServe.Worker.Tests.Model.Bert;

/// <summary>The published all-MiniLM-L6-v2 values (mean pooling, L2-normalised), reproduced end to end.</summary>
public sealed class MiniLmReferenceTests(MiniLmFixture minilm)
{
    [Fact]
    public void Embed_ReferenceSentences_ReproducesPublishedSimilarities()
    {
        var e = minilm.Embed("The cat sits on the mat.", "A feline rests on a rug.", "Kubernetes schedules pods onto nodes.");

        Assert.Equal(0.5584, BertParityTests.Cosine(e[0], e[1]), 1e-3);
        Assert.Equal(-0.0315, BertParityTests.Cosine(e[0], e[2]), 1e-3);
    }

    [Fact]
    public void Embed_FirstReferenceSentence_ReproducesPublishedLeadingDimensions()
    {
        var e = minilm.Embed("The cat sits on the mat.")[0];

        Assert.Equal(384, e.Length);
        double[] expected = [0.13418, -0.03290, -0.02480, 0.04144, -0.03635];
        Assert.All(expected.Select((x, i) => (x, i)), p => Assert.Equal(p.x, e[p.i], 1e-3));
        Assert.Equal(1.0, Math.Sqrt(e.Sum(x => x * (double)x)), 1e-5);
    }
}
