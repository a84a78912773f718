namespace LlmServe.Bench.Measure;

/// <summary>Order statistics over samples (linear interpolation between closest ranks, as numpy's default).</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }
        var sorted = samples.Order().ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static double Median(IReadOnlyCollection<double> samples) => Percentile(samples, 50);
}
