using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Tests.VectorStores;

/// <summary>Seeded random unit vectors and records for the store tests.</summary>
internal static class TestVectors
{
    public static float[] Random(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }
        return VectorMath.Normalize(vector);
    }

    public static VectorRecord Record(string document, int index, float[] vector, string? tag = null) => new(
        document, index, $"Title of {document}", $"Heading {index}", $"Text {index} of {document}",
        tag is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["tag"] = tag }, vector);

    /// <summary>Documents doc-0..doc-(n-1) of <paramref name="chunks"/> chunks each; even documents tagged "even".</summary>
    public static List<(string Document, List<VectorRecord> Records)> Documents(int seed, int documents, int chunks, int dimension)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, documents).Select(d => ($"doc-{d}",
            Enumerable.Range(0, chunks).Select(c => Record($"doc-{d}", c, Random(random, dimension), d % 2 == 0 ? "even" : "odd")).ToList()))];
    }
}
