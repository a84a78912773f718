using LlmServe.Worker.Engine.Sampling;

namespace LlmServe.Worker.Engine;

/// <summary>
/// One step of a request's output: the text that became final in this step and, on the last event, why it ended.
/// <see cref="Logprobs"/> is set when the request asked for log-probabilities; <see cref="PromptLogprobs"/> on the first
/// event when it asked for the prompt's (one entry per prompt token, the first null).
/// </summary>
internal readonly record struct GenerationEvent(string Text, int? TokenId, FinishReason? Finish, int PromptTokens, int CompletionTokens,
    TokenLogprobs? Logprobs = null, IReadOnlyList<TokenLogprobs?>? PromptLogprobs = null);
