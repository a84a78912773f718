namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Phi-3's LongRoPE (rope_scaling type "longrope", formerly "su"): every frequency divided by its own factor, from the
/// short set when the served context fits the original one and from the long set when it exceeds it, and cos/sin
/// scaled by <see cref="AttentionFactor"/> either way. The choice is made once for the served context, as vLLM and
/// llama.cpp make it (transformers switches per call, by the longest position it sees).
/// </summary>
/// <param name="ShortFactors">One divisor per rotated pair (rotary dim / 2).</param>
/// <param name="LongFactors">One divisor per rotated pair, used when <see cref="UseLong"/>.</param>
internal sealed record LongRopeScaling(double[] ShortFactors, double[] LongFactors, int OriginalMaxPositionEmbeddings,
    double AttentionFactor, bool UseLong = true) : RopeScaling
{
    /// <summary>transformers' default: sqrt(1 + ln(scale) / ln(original)), scale = max positions / original; 1 when not extended.</summary>
    public static double DefaultAttentionFactor(int maxPositionEmbeddings, int originalMaxPositionEmbeddings)
    {
        var scale = (double)maxPositionEmbeddings / originalMaxPositionEmbeddings;
        return scale <= 1 ? 1.0 : Math.Sqrt(1 + Math.Log(scale) / Math.Log(originalMaxPositionEmbeddings));
    }

    public override double Magnitude => AttentionFactor;

    public override void Apply(double[] inverseFrequencies, double ropeTheta)
    {
        var factors = UseLong ? LongFactors : ShortFactors;
        if (factors.Length != inverseFrequencies.Length)
        {
            throw new InvalidDataException(
                $"LongRoPE has {factors.Length} factors for {inverseFrequencies.Length} rotated pairs (rotary dim / 2).");
        }
        for (var i = 0; i < inverseFrequencies.Length; i++)
        {
            inverseFrequencies[i] /= factors[i];
        }
    }

    public override RopeScaling ForServedContext(int tokens) => this with { UseLong = tokens > OriginalMaxPositionEmbeddings };
}
