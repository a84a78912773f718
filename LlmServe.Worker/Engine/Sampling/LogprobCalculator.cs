namespace LlmServe.Worker.Engine.Sampling;

/// <summary>
/// Log-probabilities from raw logits (vLLM's default "raw logprobs": before temperature, penalties and
/// truncation), for the chosen token (with its rank) and the <c>top</c> most likely ones.
/// </summary>
internal static class LogprobCalculator
{
    public static TokenLogprobs Compute(ReadOnlySpan<float> logits, int chosen, int top)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }
        double sum = 0;
        var above = 0;
        var chosenLogit = logits[chosen];
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
            above += l > chosenLogit ? 1 : 0;
        }
        var logZ = max + (float)Math.Log(sum);
        var best = new List<(int TokenId, float Logprob)>(top + 1);
        if (top > 0)
        {
            // A bounded insertion list: top is at most 20, so this beats sorting the vocabulary.
            for (var i = 0; i < logits.Length; i++)
            {
                if (best.Count == top && logits[i] - logZ <= best[^1].Logprob)
                {
                    continue;
                }
                var entry = (i, logits[i] - logZ);
                var at = best.FindIndex(b => b.Logprob < entry.Item2);
                best.Insert(at < 0 ? best.Count : at, entry);
                if (best.Count > top)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }
        return new TokenLogprobs(chosen, chosenLogit - logZ, best, above + 1);
    }
}
