using LlmServe.Worker.Engine.Sampling;

namespace LlmServe.Worker.Tests.Engine.Sampling;

public sealed class LogprobCalculatorTests
{
    [Fact]
    public void Compute_ReturnsLogSoftmaxOfChosenAndTheBestAlternativesInOrder()
    {
        // softmax([ln 1, ln 2, ln 5, ln 2]) = [0.1, 0.2, 0.5, 0.2]
        float[] logits = [0f, MathF.Log(2), MathF.Log(5), MathF.Log(2)];

        var result = LogprobCalculator.Compute(logits, chosen: 1, top: 2);

        Assert.Equal(MathF.Log(0.2f), result.Logprob, 5);
        Assert.Equal(2, result.Top.Count);
        Assert.Equal(2, result.Top[0].TokenId);
        Assert.Equal(MathF.Log(0.5f), result.Top[0].Logprob, 5);
        Assert.Equal(MathF.Log(0.2f), result.Top[1].Logprob, 5);
    }

    [Fact]
    public void Compute_TopZero_ReportsOnlyTheChosenToken()
    {
        Assert.Empty(LogprobCalculator.Compute([1f, 2f], 0, 0).Top);
    }
}
