namespace LlmServe.Checkpoints.Random;

/// <summary>
/// A RoPE context extension written into config.json (<c>rope_scaling</c>) and GGUF (<c>rope.scaling.*</c>) as
/// convert_hf_to_gguf.py writes it: "linear" (position interpolation) or "yarn".
/// </summary>
/// <param name="OriginalMaxPositionEmbeddings">YaRN's pre-extension context; the checkpoint's maximum when null.</param>
public sealed record RopeScalingSpec(string Type, double Factor, int? OriginalMaxPositionEmbeddings = null)
{
    public static RopeScalingSpec Linear(double factor) => new("linear", factor);

    public static RopeScalingSpec Yarn(double factor, int originalMaxPositionEmbeddings) => new("yarn", factor, originalMaxPositionEmbeddings);

    public void Validate()
    {
        if (Type is not ("linear" or "yarn"))
        {
            throw new ArgumentException($"RoPE scaling '{Type}' is not one the writer knows (linear, yarn).");
        }
        if (Factor <= 0 || OriginalMaxPositionEmbeddings <= 0)
        {
            throw new ArgumentException("The RoPE scaling factor and original context must be positive.");
        }
    }
}
