using LlmServe.Rag.VectorStores;

namespace LlmServe.Bench.Scenarios;

/// <summary>
/// Unit vectors drawn around random cluster centres, standing in for sentence embeddings (which cluster by topic;
/// uniform random vectors in 384-d have near-equal distances and are unlike any real embedding set).
/// </summary>
internal static class ClusteredVectors
{
    /// <summary>
    /// <paramref name="count"/> vectors: centre c (Gaussian, normalised) plus Gaussian noise of norm about
    /// <paramref name="spread"/>, normalised. Centres come from <paramref name="centreSeed"/> so queries drawn with
    /// another <paramref name="seed"/> share the clusters of the base set.
    /// </summary>
    public static float[][] Generate(int count, int dimension, int clusters, double spread, int centreSeed, int seed)
    {
        var centreRandom = new Random(centreSeed);
        var centres = Enumerable.Range(0, clusters).Select(_ => VectorMath.Normalize(Gaussian(centreRandom, dimension, 1.0))).ToArray();
        var random = new Random(seed);
        var sigma = spread / Math.Sqrt(dimension);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var point = Gaussian(random, dimension, sigma);
            var centre = centres[random.Next(clusters)];
            for (var j = 0; j < dimension; j++)
            {
                point[j] += centre[j];
            }
            vectors[i] = VectorMath.Normalize(point);
        }
        return vectors;
    }

    private static float[] Gaussian(Random random, int dimension, double sigma)
    {
        var v = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            // Box-Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            v[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return v;
    }
}
