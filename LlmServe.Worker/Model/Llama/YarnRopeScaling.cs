namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// YaRN (rope_scaling type "yarn", as Qwen2.5/Qwen3 document for long contexts): pairs that turn fewer than
/// <see cref="BetaSlow"/> times over the original context are interpolated (divided by <see cref="Factor"/>), pairs
/// that turn more than <see cref="BetaFast"/> times are kept, the band between is blended linearly by pair index,
/// and cos/sin are scaled by <see cref="Magnitude"/> (0.1 ln(factor) + 1 unless the checkpoint says otherwise).
/// </summary>
internal sealed record YarnRopeScaling(double Factor, int OriginalMaxPositionEmbeddings, double BetaFast = 32, double BetaSlow = 1,
    double? AttentionFactor = null) : RopeScaling
{
    public override double Magnitude => AttentionFactor ?? DefaultMagnitude(Factor);

    /// <summary>YaRN's default attention temperature for a scale factor.</summary>
    public static double DefaultMagnitude(double factor) => factor <= 1 ? 1.0 : 0.1 * Math.Log(factor) + 1.0;

    public override void Apply(double[] inverseFrequencies, double ropeTheta)
    {
        var dim = 2 * inverseFrequencies.Length;
        // The band edges are whole pair indices (floor / ceil), as both transformers and llama.cpp round them.
        var low = Math.Max(0, Math.Floor(CorrectionDim(BetaFast, dim, ropeTheta)));
        var high = Math.Min(dim - 1, Math.Ceiling(CorrectionDim(BetaSlow, dim, ropeTheta)));
        var width = Math.Max(high - low, 0.001);
        for (var i = 0; i < inverseFrequencies.Length; i++)
        {
            // 1 keeps the original frequency (fast pairs), 0 interpolates it fully (slow pairs).
            var extrapolation = 1 - Math.Clamp((i - low) / width, 0, 1);
            var freq = inverseFrequencies[i];
            inverseFrequencies[i] = freq / Factor * (1 - extrapolation) + freq * extrapolation;
        }
    }

    public override int ContextLength(int maxPositionEmbeddings) =>
        Math.Max(maxPositionEmbeddings, LinearRopeScaling.Scaled(OriginalMaxPositionEmbeddings, Factor));

    /// <summary>The pair index whose wavelength fits <paramref name="rotations"/> times into the original context.</summary>
    private double CorrectionDim(double rotations, int dim, double ropeTheta) =>
        dim * Math.Log(OriginalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.Log(ropeTheta));
}
