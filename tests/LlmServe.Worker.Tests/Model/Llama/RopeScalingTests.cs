using LlmServe.Worker.Model.Llama;

namespace LlmServe.Worker.Tests.Model.Llama;

public sealed class RopeScalingTests
{
    private static double[] Frequencies(int dim, double theta) =>
        [.. Enumerable.Range(0, dim / 2).Select(i => 1.0 / Math.Pow(theta, 2.0 * i / dim))];

    [Fact]
    public void Linear_DividesEveryFrequency_AndExtendsTheContext()
    {
        var scaling = new LinearRopeScaling(4);
        var inv = Frequencies(8, 10000);
        var original = (double[])inv.Clone();

        scaling.Apply(inv, 10000);

        Assert.Equal(original.Select(f => f / 4), inv);
        Assert.Equal(1.0, scaling.Magnitude);
        Assert.Equal(8192, scaling.ContextLength(2048));
    }

    /// <remarks>
    /// Head dim 32, theta 1e4, original context 256: the band runs from pair floor(32 ln(256 / 64 pi) / (2 ln 1e4)) = 0
    /// to pair ceil(32 ln(256 / 2 pi) / (2 ln 1e4)) = ceil(6.44) = 7 (computed by hand from the YaRN paper's formula).
    /// </remarks>
    [Fact]
    public void Yarn_KeepsFastPairs_InterpolatesSlowPairs_BlendsTheBand()
    {
        var scaling = new YarnRopeScaling(4, 256);
        var inv = Frequencies(32, 10000);
        var original = (double[])inv.Clone();

        scaling.Apply(inv, 10000);

        Assert.Equal(original[0], inv[0], 15);
        Assert.Equal(original[3] * 4 / 7 + original[3] / 4 * 3 / 7, inv[3], 15);
        for (var i = 7; i < 16; i++)
        {
            Assert.Equal(original[i] / 4, inv[i], 15);
        }
    }

    [Fact]
    public void Yarn_Magnitude_DefaultsToTemperature_OrTakesTheCheckpoints()
    {
        Assert.Equal(0.1 * Math.Log(4) + 1, new YarnRopeScaling(4, 256).Magnitude, 15);
        Assert.Equal(1.0, new YarnRopeScaling(1, 256).Magnitude);
        Assert.Equal(1.25, new YarnRopeScaling(4, 256, AttentionFactor: 1.25).Magnitude);
    }

    [Fact]
    public void Yarn_ContextLength_IsOriginalTimesFactor_NeverBelowTheCheckpoints()
    {
        Assert.Equal(131072, new YarnRopeScaling(4, 32768).ContextLength(32768));
        Assert.Equal(40960, new YarnRopeScaling(1, 32768).ContextLength(40960));
    }
}
