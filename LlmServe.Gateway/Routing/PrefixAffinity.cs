namespace LlmServe.Gateway.Routing;

/// <summary>
/// Pure parts of prefix-aware routing: cumulative prefix hashes of a prompt, and whether the replica that served the
/// longest matching prefix is still acceptable given the load spread.
/// </summary>
/// <remarks>
/// Block 4, text "abcdefghij": hashes of "abcd" and "abcdefgh" (a trailing partial block is ignored, as a KV cache
/// only reuses whole blocks). With threshold 4, preferred in flight 6 and least loaded 1: 6 - 1 = 5 > 4, so the
/// preference is dropped and load balancing decides.
/// </remarks>
internal static class PrefixAffinity
{
    public static int[] Hashes(string? text, int blockCharacters, int maxBlocks)
    {
        if (string.IsNullOrEmpty(text) || blockCharacters <= 0 || maxBlocks <= 0)
        {
            return [];
        }
        var blocks = Math.Min(maxBlocks, text.Length / blockCharacters);
        var hashes = new int[blocks];
        for (var i = 0; i < blocks; i++)
        {
            hashes[i] = string.GetHashCode(text.AsSpan(0, (i + 1) * blockCharacters), StringComparison.Ordinal);
        }
        return hashes;
    }

    /// <summary>True when <paramref name="preferred"/> is at most <paramref name="threshold"/> requests busier than the least loaded.</summary>
    public static bool WithinImbalance(ReplicaState preferred, IReadOnlyList<ReplicaState> replicas, int threshold) =>
        preferred.InFlightRequests - replicas.Min(r => r.InFlightRequests) <= threshold;
}
