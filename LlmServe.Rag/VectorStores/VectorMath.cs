using System.Numerics.Tensors;

namespace LlmServe.Rag.VectorStores;

/// <summary>Cosine helpers and exact (brute-force) top-k: the oracle every approximate index is compared with.</summary>
internal static class VectorMath
{
    /// <summary>A unit-length copy of <paramref name="vector"/> (a zero vector stays zero).</summary>
    public static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        var norm = TensorPrimitives.Norm(copy);
        if (norm > 0)
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }
        return copy;
    }

    /// <summary>Cosine similarity of two unit vectors: their dot product.</summary>
    public static double Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);

    /// <summary>
    /// The exact top-k of <paramref name="candidates"/> by cosine similarity to the unit vector
    /// <paramref name="query"/>, best first; ties go to the earlier candidate.
    /// </summary>
    public static IReadOnlyList<(int Index, double Score)> ExactTopK(
        ReadOnlySpan<float> query, IReadOnlyList<float[]> candidates, int topK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        // A bounded min-heap keeps the k best seen so far: O(n log k) instead of sorting all n.
        var heap = new PriorityQueue<int, (double Score, int Negated)>(topK + 1);
        for (var i = 0; i < candidates.Count; i++)
        {
            var score = Similarity(query, candidates[i]);
            heap.Enqueue(i, (score, -i));
            if (heap.Count > topK)
            {
                heap.Dequeue();
            }
        }
        var result = new (int, double)[heap.Count];
        for (var slot = result.Length - 1; slot >= 0; slot--)
        {
            heap.TryDequeue(out var index, out var priority);
            result[slot] = (index, priority.Score);
        }
        return result;
    }
}
