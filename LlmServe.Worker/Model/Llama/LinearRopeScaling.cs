namespace LlmServe.Worker.Model.Llama;

/// <summary>Position interpolation: every frequency divided by <see cref="Factor"/> (rope_scaling type "linear").</summary>
internal sealed record LinearRopeScaling(double Factor) : RopeScaling
{
    public override void Apply(double[] inverseFrequencies, double ropeTheta)
    {
        for (var i = 0; i < inverseFrequencies.Length; i++)
        {
            inverseFrequencies[i] /= Factor;
        }
    }

    public override int ContextLength(int maxPositionEmbeddings) => Scaled(maxPositionEmbeddings, Factor);

    internal static int Scaled(int length, double factor) => (int)Math.Min(int.MaxValue / 2, Math.Max(length, length * factor));
}
