using LlmServe.Gateway.Routing;

namespace LlmServe.Gateway.Tests.Routing;

public sealed class TrafficSplitTests
{
    [Theory]
    // Weights 9,1 -> ranges [0,0.9) [0.9,1).
    [InlineData(new[] { 9.0, 1.0 }, 0.0, 0)]
    [InlineData(new[] { 9.0, 1.0 }, 0.899, 0)]
    [InlineData(new[] { 9.0, 1.0 }, 0.9, 1)]
    [InlineData(new[] { 9.0, 1.0 }, 0.999, 1)]
    [InlineData(new[] { 9.0, 1.0 }, 1.0, 1)]
    // A zero weight owns an empty range: 0,1 -> everything to index 1.
    [InlineData(new[] { 0.0, 1.0 }, 0.0, 1)]
    // 1,0,1 -> [0,0.5) [0.5,1) for indexes 0 and 2.
    [InlineData(new[] { 1.0, 0.0, 1.0 }, 0.5, 2)]
    [InlineData(new[] { 0.0, 0.0 }, 0.3, -1)]
    [InlineData(new double[0], 0.3, -1)]
    public void Choose_PointInCumulativeRanges_ReturnsOwningIndex(double[] weights, double point, int expected) =>
        Assert.Equal(expected, TrafficSplit.Choose(weights, point));

    [Fact]
    public void Choose_NinetyTenOverTwoThousandRandomPoints_LandsWithinFiveSigma()
    {
        var random = new Random(1234);
        var canary = Enumerable.Range(0, 2000).Count(_ => TrafficSplit.Choose([9, 1], random.NextDouble()) == 1);
        // Binomial(2000, 0.1): mean 200, sigma sqrt(2000*0.1*0.9) ~ 13.4, so 5 sigma ~ 67.
        Assert.InRange(canary, 133, 267);
    }

    [Fact]
    public void StickyPoint_SameKey_AlwaysSameVersionAndKeysSpread()
    {
        var keys = Enumerable.Range(0, 2000).Select(i => $"user-{i}").ToArray();
        var first = keys.Select(k => TrafficSplit.Choose([9, 1], TrafficSplit.StickyPoint(k))).ToArray();
        var again = keys.Select(k => TrafficSplit.Choose([9, 1], TrafficSplit.StickyPoint(k))).ToArray();

        Assert.Equal(first, again);
        Assert.InRange(first.Count(i => i == 1), 133, 267);
        Assert.All(keys, k => Assert.InRange(TrafficSplit.StickyPoint(k), 0.0, 0.9999999999));
    }
}
