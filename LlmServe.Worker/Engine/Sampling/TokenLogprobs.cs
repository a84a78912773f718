namespace LlmServe.Worker.Engine.Sampling;

/// <summary>
/// A token's log-probability, its rank in the distribution (1 is the most likely) and the most likely alternatives,
/// from the model's raw distribution.
/// </summary>
internal sealed record TokenLogprobs(int TokenId, float Logprob, IReadOnlyList<(int TokenId, float Logprob)> Top, int Rank = 1);
