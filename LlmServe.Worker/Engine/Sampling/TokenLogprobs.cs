namespace LlmServe.Worker.Engine.Sampling;

/// <summary>The sampled token's log-probability and the most likely alternatives, from the model's raw distribution.</summary>
internal sealed record TokenLogprobs(int TokenId, float Logprob, IReadOnlyList<(int TokenId, float Logprob)> Top);
