namespace LlmServe.Checkpoints.Random;

/// <summary>Llama 3.1 RoPE scaling parameters (config.json <c>rope_scaling</c> with <c>rope_type: llama3</c>).</summary>
public sealed record Llama3ScalingSpec(double Factor = 8, double LowFreqFactor = 1, double HighFreqFactor = 4,
    int OriginalMaxPositionEmbeddings = 8192)
{
    /// <summary>
    /// The per-pair divisors llama.cpp's converter stores as <c>rope_freqs.weight</c> (D/2 floats): 1 for short
    /// wavelengths, <see cref="Factor"/> for long ones, and 1 / ((1 - s) / factor + s) in the band between,
    /// computed in float32 as the converter does.
    /// </summary>
    /// <remarks>
    /// NOTE: the converter reads original_max_position_embeddings from the top level of config.json (default 8192),
    /// while transformers reads it from rope_scaling. We write it in rope_scaling, as Llama 3.1 does, and use the
    /// same value here; the two agree for the 8192 every Llama 3.x checkpoint uses.
    /// </remarks>
    public float[] GgufRopeFactors(double ropeTheta, int headDim)
    {
        var factors = new float[headDim / 2];
        var lowFreqWavelen = (float)(OriginalMaxPositionEmbeddings / LowFreqFactor);
        var highFreqWavelen = (float)(OriginalMaxPositionEmbeddings / HighFreqFactor);
        for (var i = 0; i < factors.Length; i++)
        {
            var freq = 1f / MathF.Pow((float)ropeTheta, 2f * i / headDim);
            var wavelen = 2f * MathF.PI / freq;
            if (wavelen < highFreqWavelen)
            {
                factors[i] = 1f;
            }
            else if (wavelen > lowFreqWavelen)
            {
                factors[i] = (float)Factor;
            }
            else
            {
                var smooth = (float)((OriginalMaxPositionEmbeddings / wavelen - LowFreqFactor) / (HighFreqFactor - LowFreqFactor));
                factors[i] = 1f / ((1f - smooth) / (float)Factor + smooth);
            }
        }
        return factors;
    }
}
