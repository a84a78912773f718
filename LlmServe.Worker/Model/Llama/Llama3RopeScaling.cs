namespace LlmServe.Worker.Model.Llama;

/// <summary>
/// Llama 3.1's RoPE frequency scaling: wavelengths longer than original_max / low_freq_factor are divided by
/// <see cref="Factor"/>, shorter than original_max / high_freq_factor are kept, and the band between is blended.
/// </summary>
internal sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings)
    : RopeScaling
{
    public override void Apply(double[] inverseFrequencies, double ropeTheta)
    {
        var lowWavelen = OriginalMaxPositionEmbeddings / LowFreqFactor;
        var highWavelen = OriginalMaxPositionEmbeddings / HighFreqFactor;
        for (var i = 0; i < inverseFrequencies.Length; i++)
        {
            var freq = inverseFrequencies[i];
            var wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen)
            {
                continue;
            }
            if (wavelen > lowWavelen)
            {
                inverseFrequencies[i] = freq / Factor;
                continue;
            }
            var smooth = (OriginalMaxPositionEmbeddings / wavelen - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
            inverseFrequencies[i] = (1 - smooth) * freq / Factor + smooth * freq;
        }
    }
}
