namespace LlmServe.Checkpoints.Random;

/// <summary>
/// A RoPE context extension written into config.json (<c>rope_scaling</c>) and GGUF (<c>rope.scaling.*</c>) as
/// convert_hf_to_gguf.py writes it: "linear" (position interpolation), "yarn", or Phi-3's "longrope" (its factor lists
/// as the rope_factors_short/long tensors in GGUF).
/// </summary>
/// <param name="OriginalMaxPositionEmbeddings">YaRN's pre-extension context; the checkpoint's maximum when null.</param>
public sealed record RopeScalingSpec(string Type, double Factor, int? OriginalMaxPositionEmbeddings = null)
{
    public static RopeScalingSpec Linear(double factor) => new("linear", factor);

    public static RopeScalingSpec Yarn(double factor, int originalMaxPositionEmbeddings) => new("yarn", factor, originalMaxPositionEmbeddings);

    /// <summary>LongRoPE over an original context; the factor lists come from <see cref="LongRopeFactors"/>.</summary>
    public static RopeScalingSpec LongRope(int originalMaxPositionEmbeddings) => new("longrope", 1, originalMaxPositionEmbeddings);

    /// <summary>
    /// Deterministic LongRoPE factors, one per rotated pair, rising with the wavelength as the published ones do: the
    /// short set gently (1 to 1.5), the long set steeply (1 to 16).
    /// </summary>
    public static float[] LongRopeFactors(int rotaryDim, bool isLong) =>
        [.. Enumerable.Range(0, rotaryDim / 2).Select(i => (float)(1 + (isLong ? 15.0 : 0.5) * Math.Pow(2.0 * i / rotaryDim, 2)))];

    /// <summary>The attention factor llama.cpp's converter computes for LongRoPE: sqrt(1 + ln(scale) / ln(original)).</summary>
    public float LongRopeAttentionFactor(int maxPositionEmbeddings)
    {
        var original = OriginalMaxPositionEmbeddings ?? maxPositionEmbeddings;
        var scale = (double)maxPositionEmbeddings / original;
        return scale > 1 ? (float)Math.Sqrt(1 + Math.Log(scale) / Math.Log(original)) : 1f;
    }

    public void Validate()
    {
        if (Type is not ("linear" or "yarn" or "longrope"))
        {
            throw new ArgumentException($"RoPE scaling '{Type}' is not one the writer knows (linear, yarn, longrope).");
        }
        if (Type == "longrope" && OriginalMaxPositionEmbeddings is null)
        {
            throw new ArgumentException("LongRoPE needs the original context.");
        }
        if (Factor <= 0 || OriginalMaxPositionEmbeddings <= 0)
        {
            throw new ArgumentException("The RoPE scaling factor and original context must be positive.");
        }
    }
}
