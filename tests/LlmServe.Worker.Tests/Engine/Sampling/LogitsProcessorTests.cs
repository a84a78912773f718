using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.Sampling;

namespace LlmServe.Worker.Tests.Engine.Sampling;

public sealed class LogitsProcessorTests
{
    [Fact]
    public void Apply_LogitBias_AddsToTheGivenTokens()
    {
        float[] logits = [1, 2, 3];

        LogitsProcessor.Apply(logits, new SamplingParams { LogitBias = new Dictionary<int, float> { [0] = 5, [2] = -100 } }, [], [], []);

        Assert.Equal([6f, 2f, -97f], logits);
    }

    [Fact]
    public void Apply_MinTokensNotReached_MasksEosAndStopIds()
    {
        float[] logits = [1, 2, 3, 4];
        var p = new SamplingParams { MinTokens = 2, StopTokenIds = [1] };

        LogitsProcessor.Apply(logits, p, [], [0], eosIds: [3]);

        Assert.Equal(float.NegativeInfinity, logits[3]);
        Assert.Equal(float.NegativeInfinity, logits[1]);
        Assert.Equal(3f, logits[2]);
    }

    [Fact]
    public void Apply_RepetitionPenalty_DividesPositiveAndMultipliesNegativeSeenLogits()
    {
        float[] logits = [2, -2, 2];

        LogitsProcessor.Apply(logits, new SamplingParams { RepetitionPenalty = 2 }, prompt: [0], output: [1], []);

        Assert.Equal([1f, -4f, 2f], logits);   // token 2 was never seen
    }

    [Fact]
    public void Apply_FrequencyAndPresence_PenaliseByCountAndOnce()
    {
        float[] logits = [0, 0, 0];

        LogitsProcessor.Apply(logits, new SamplingParams { FrequencyPenalty = 0.5, PresencePenalty = 1 }, [], output: [0, 0, 1], []);

        Assert.Equal([-2f, -1.5f, 0f], logits);   // token 0: 2 * 0.5 + 1; token 1: 0.5 + 1
    }
}
