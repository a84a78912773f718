using LlmServe.Worker.Engine.Sampling;

namespace LlmServe.Worker.Api;

/// <summary>An echoed prompt's tokens and their log-probabilities (entry 0 null), with <see cref="Top"/> alternatives each.</summary>
internal readonly record struct EchoedPrompt(IReadOnlyList<int> Tokens, IReadOnlyList<TokenLogprobs?> Logprobs, int Top);
