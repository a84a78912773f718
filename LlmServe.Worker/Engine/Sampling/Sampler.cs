namespace LlmServe.Worker.Engine.Sampling;

/// <summary>
/// Picks the next token from float32 logits: greedy at temperature 0, otherwise temperature, top-k, then top-p
/// (nucleus) and a draw from the request's own random source, so a seeded request is reproducible.
/// </summary>
internal static class Sampler
{
    public static int Sample(ReadOnlySpan<float> logits, SamplingParams p, Random random)
    {
        if (p.IsGreedy)
        {
            return ArgMax(logits);
        }
        var order = new int[logits.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var scaled = new double[logits.Length];
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = logits[i] / p.Temperature;
        }
        // Descending by logit; ties by id so the order (and so a seeded draw) never depends on the sort.
        Array.Sort(order, (a, b) => scaled[a] != scaled[b] ? scaled[b].CompareTo(scaled[a]) : a.CompareTo(b));
        var keep = p.TopK > 0 ? Math.Min(p.TopK, order.Length) : order.Length;

        var max = scaled[order[0]];
        var probs = new double[keep];
        var sum = 0.0;
        for (var i = 0; i < keep; i++)
        {
            probs[i] = Math.Exp(scaled[order[i]] - max);
            sum += probs[i];
        }
        if (p.MinP > 0)
        {
            // probs[0] is the largest: keep tokens with probability at least min_p times it.
            var floor = probs[0] * p.MinP;
            var kept = 1;
            while (kept < keep && probs[kept] >= floor)
            {
                kept++;
            }
            keep = kept;
            sum = probs.AsSpan(0, keep).ToArray().Sum();
        }
        if (p.TopP < 1.0)
        {
            // Smallest prefix of the sorted distribution whose mass reaches top_p (always at least one token).
            var cumulative = 0.0;
            var cut = keep;
            for (var i = 0; i < keep; i++)
            {
                cumulative += probs[i] / sum;
                if (cumulative >= p.TopP)
                {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            sum = probs.AsSpan(0, keep).ToArray().Sum();
        }
        var draw = random.NextDouble() * sum;
        for (var i = 0; i < keep; i++)
        {
            draw -= probs[i];
            if (draw <= 0)
            {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }
        return best;
    }
}
