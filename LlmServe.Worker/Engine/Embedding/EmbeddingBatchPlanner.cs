namespace LlmServe.Worker.Engine.Embedding;

/// <summary>
/// Splits sequences into forward passes: sorted by length so each pass pads little, and cut so a pass's padded
/// size (count x longest) stays within a token budget; a sequence longer than the budget runs alone.
/// </summary>
internal static class EmbeddingBatchPlanner
{
    /// <summary>Groups of indices into <paramref name="lengths"/>, shortest sequences first.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int maxBatchTokens)
    {
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ThenBy(i => i).ToList();
        var groups = new List<int[]>();
        var current = new List<int>();
        foreach (var i in order)
        {
            // Sorted ascending, so the newcomer is the longest: the padded size if it joins is (count + 1) x its length.
            if (current.Count > 0 && (long)(current.Count + 1) * lengths[i] > maxBatchTokens)
            {
                groups.Add([.. current]);
                current.Clear();
            }
            current.Add(i);
        }
        if (current.Count > 0)
        {
            groups.Add([.. current]);
        }
        return groups;
    }
}
