using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.Sampling;

namespace LlmServe.Worker.Tests.Engine.Sampling;

public sealed class SamplerTests
{
    private static readonly float[] Logits = [1f, 3f, 2f, -1f];

    [Fact]
    public void Sample_TemperatureZero_IsArgMax()
    {
        Assert.Equal(1, Sampler.Sample(Logits, new SamplingParams { Temperature = 0 }, new Random(1)));
    }

    [Fact]
    public void Sample_TopKOne_IsArgMaxWhateverTheTemperature()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal(1, Sampler.Sample(Logits, new SamplingParams { Temperature = 2, TopK = 1 }, new Random(seed)));
        }
    }

    [Fact]
    public void Sample_TopPSmall_KeepsOnlyTheMostLikelyToken()
    {
        // softmax([1,3,2,-1]) ~ [0.087, 0.644, 0.237, 0.032]: top_p 0.5 keeps token 1 only.
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal(1, Sampler.Sample(Logits, new SamplingParams { Temperature = 1, TopP = 0.5 }, new Random(seed)));
        }
    }

    [Fact]
    public void Sample_TopKTwo_NeverPicksOutsideTheTwoBest()
    {
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            seen.Add(Sampler.Sample(Logits, new SamplingParams { Temperature = 5, TopK = 2 }, new Random(seed)));
        }
        Assert.Equal([1, 2], seen.Order());
    }

    [Fact]
    public void Sample_SameSeed_SameToken()
    {
        var p = new SamplingParams { Temperature = 1.5 };
        var first = Enumerable.Range(0, 10).Select(_ => Sampler.Sample(Logits, p, new Random(42))).Distinct();
        Assert.Single(first);
    }

    [Fact]
    public void Sample_FollowsTheDistribution()
    {
        var random = new Random(7);
        var counts = new int[4];
        for (var i = 0; i < 20000; i++)
        {
            counts[Sampler.Sample(Logits, new SamplingParams { Temperature = 1 }, random)]++;
        }
        // Expected shares 0.087 / 0.644 / 0.237 / 0.032, within a generous 2 percentage points.
        Assert.InRange(counts[1] / 20000.0, 0.624, 0.664);
        Assert.InRange(counts[2] / 20000.0, 0.217, 0.257);
    }

    [Fact]
    public void Sample_MinP_DropsTokensBelowTheFractionOfTheTopProbability()
    {
        // probabilities ~ [0.087, 0.644, 0.237, 0.032]; min_p 0.3 keeps tokens >= 0.193: ids 1 and 2.
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 300; seed++)
        {
            seen.Add(Sampler.Sample(Logits, new SamplingParams { Temperature = 1, MinP = 0.3 }, new Random(seed)));
        }
        Assert.Equal([1, 2], seen.Order());
    }
}
