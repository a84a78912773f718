using System.Runtime.Intrinsics;
using LlmServe.Worker.Model.Kernels;

namespace LlmServe.Worker.Tests.Model.Kernels;

/// <summary>The kernels' vector e^x against double-precision Math.Exp, at its edges, and at both widths.</summary>
public sealed class ExponentialTests
{
    /// <summary>Every 997th float bit pattern (both signs, all magnitudes): within one ulp of the exact value.</summary>
    [Fact]
    public void Of_IsWithinOneUlp()
    {
        var worst = 0.0;
        var worstAt = 0f;
        var inputs = new float[16];
        for (var bits = 0L; bits < 1L << 32; bits += 997 * 16)
        {
            for (var j = 0; j < 16; j++)
            {
                inputs[j] = BitConverter.UInt32BitsToSingle((uint)(bits + 997 * j));
            }
            var actual = Exponential.Of(Vector512.Create(inputs));
            for (var j = 0; j < 16; j++)
            {
                var x = inputs[j];
                var exact = Math.Exp(x);
                var nearest = (float)exact;
                if (float.IsNaN(x))
                {
                    Assert.True(float.IsNaN(actual[j]), $"e^NaN = {actual[j]}");
                    continue;
                }
                if (!float.IsNormal(nearest))
                {
                    // Overflow, denormal or zero results: exactly the nearest float, or the one beside it.
                    Assert.True(float.IsPositiveInfinity(nearest) ? float.IsPositiveInfinity(actual[j]) : Math.Abs(actual[j] - nearest) <= float.Epsilon,
                        $"e^{x:R} = {actual[j]:R}, nearest {nearest:R}");
                    continue;
                }
                var ulps = Math.Abs(actual[j] - exact) / (MathF.BitIncrement(nearest) - nearest);
                if (ulps > worst)
                {
                    (worst, worstAt) = (ulps, x);
                }
            }
        }
        Assert.True(worst <= 1.0, $"{worst:F3} ulp at x = {worstAt:R}");
    }

    [Theory]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(0f, 1f)]
    [InlineData(1f, 2.7182817f)]
    [InlineData(88.72283f, 3.4027985E+38f)]       // just below float.MaxValue
    [InlineData(88.7229f, float.PositiveInfinity)]
    [InlineData(-87.33655f, 1.1754907E-38f)]      // just below the smallest normal float: rounded once as a denormal
    [InlineData(-103.9f, 1E-45f)]                // a denormal
    [InlineData(-104.5f, 0f)]
    [InlineData(-1000f, 0f)]
    public void Of_Edges(float x, float expected)
    {
        Assert.Equal(expected, Exponential.Of(Vector512.Create(x))[0]);
        Assert.Equal(expected, Exponential.Of(Vector256.Create(x))[0]);
    }

    [Fact]
    public void Of_KeepsNaN() => Assert.True(float.IsNaN(Exponential.Of(Vector512.Create(float.NaN))[3]));

    /// <summary>Every bf16 value (the SiLU's and softmax's inputs), and their negations' neighbours: the same bits at both widths.</summary>
    [Fact]
    public void BothWidths_GiveTheSameBits()
    {
        var inputs = new float[16];
        for (var bits = 0; bits < 1 << 16; bits += 16)
        {
            for (var j = 0; j < 16; j++)
            {
                inputs[j] = BitConverter.UInt32BitsToSingle(((uint)(bits + j) << 16) | (uint)(j * 4099 & 0xFFFF));
            }
            var wide = Exponential.Of(Vector512.Create(inputs));
            var low = Exponential.Of(Vector256.Create(inputs.AsSpan(0, 8)));
            var high = Exponential.Of(Vector256.Create(inputs.AsSpan(8, 8)));
            for (var j = 0; j < 8; j++)
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(wide[j]), BitConverter.SingleToUInt32Bits(low[j]));
                Assert.Equal(BitConverter.SingleToUInt32Bits(wide[j + 8]), BitConverter.SingleToUInt32Bits(high[j]));
            }
        }
    }
}
