namespace LlmServe.Worker.Engine.Sampling;

/// <summary>
/// Adjusts one request's raw logits before sampling, in vLLM's order: allowed_token_ids, logit_bias, min_tokens (no
/// EOS or stop ids yet), then repetition, frequency and presence penalties.
/// </summary>
internal static class LogitsProcessor
{
    public static void Apply(Span<float> logits, SamplingParams p, IReadOnlyList<int> prompt, IReadOnlyList<int> output, IReadOnlyList<int> eosIds)
    {
        if (p.AllowedTokenIds is { } allowed)
        {
            // Keep the allowed logits, mask the whole row, put them back: one pass over the vocabulary, no lookups.
            var kept = new List<(int Token, float Logit)>(allowed.Count);
            foreach (var token in allowed)
            {
                if ((uint)token < (uint)logits.Length)
                {
                    kept.Add((token, logits[token]));
                }
            }
            logits.Fill(float.NegativeInfinity);
            foreach (var (token, logit) in kept)
            {
                logits[token] = logit;
            }
        }
        foreach (var (token, bias) in p.LogitBias)
        {
            if ((uint)token < (uint)logits.Length)
            {
                logits[token] += bias;
            }
        }
        if (output.Count < p.MinTokens)
        {
            foreach (var token in (p.IgnoreEos ? [] : eosIds).Concat(p.StopTokenIds))
            {
                if ((uint)token < (uint)logits.Length)
                {
                    logits[token] = float.NegativeInfinity;
                }
            }
        }
        if (p.RepetitionPenalty != 1.0)
        {
            var seen = new HashSet<int>(prompt);
            seen.UnionWith(output);
            foreach (var token in seen)
            {
                if ((uint)token < (uint)logits.Length)
                {
                    logits[token] = logits[token] > 0
                        ? (float)(logits[token] / p.RepetitionPenalty)
                        : (float)(logits[token] * p.RepetitionPenalty);
                }
            }
        }
        if (p.FrequencyPenalty != 0 || p.PresencePenalty != 0)
        {
            foreach (var group in output.GroupBy(t => t))
            {
                if ((uint)group.Key < (uint)logits.Length)
                {
                    logits[group.Key] -= (float)(p.FrequencyPenalty * group.Count() + p.PresencePenalty);
                }
            }
        }
    }
}
