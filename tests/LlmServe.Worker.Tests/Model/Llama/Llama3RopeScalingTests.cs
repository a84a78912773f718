using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Tests.Model.Llama;

public sealed class Llama3RopeScalingTests
{
    // Llama 3.1's published settings: factor 8, low 1, high 4, original context 8192.
    private static readonly Llama3RopeScaling Scaling = new(8, 1, 4, 8192);

    [Fact]
    public void Apply_HighFrequency_Unchanged()
    {
        double[] inv = [1.0];                       // wavelength 2*pi, far below 8192 / 4

        Scaling.Apply(inv, 500000);

        Assert.Equal(1.0, inv[0]);
    }

    [Fact]
    public void Apply_LowFrequency_DividedByFactor()
    {
        var freq = 2 * Math.PI / 20000;             // wavelength 20000 > 8192 / 1
        double[] inv = [freq];

        Scaling.Apply(inv, 500000);

        Assert.Equal(freq / 8, inv[0], 15);
    }

    [Fact]
    public void Apply_MiddleBand_BlendsLinearlyInInverseWavelength()
    {
        var freq = 2 * Math.PI / 4096;              // wavelength 4096, between 2048 and 8192
        double[] inv = [freq];

        Scaling.Apply(inv, 500000);

        // smooth = (8192 / 4096 - 1) / (4 - 1) = 1/3: (1 - 1/3) * f / 8 + 1/3 * f
        Assert.Equal(2.0 / 3 * freq / 8 + freq / 3, inv[0], 15);
    }
}
