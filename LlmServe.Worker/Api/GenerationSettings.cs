using System.Text.Json;
using LlmServe.Worker.Engine;

namespace LlmServe.Worker.Api;

/// <summary>The request fields shared by completions and chat completions, parsed and validated.</summary>
internal sealed record GenerationSettings(string Model, bool Stream, bool IncludeUsage, int? MaxTokens, SamplingParams Sampling,
    int Priority = 0, int N = 1, int? TruncatePromptTokens = null)
{
    /// <summary>
    /// vLLM's <c>stream_options.continuous_usage_stats</c> (with <c>include_usage</c>): every streamed chunk also
    /// carries its choice's usage so far, for clients that meter a stream as it goes.
    /// </summary>
    public bool ContinuousUsage { get; init; }

    public static GenerationSettings Parse(JsonElement root, bool chat)
    {
        var model = JsonFields.RequiredString(root, "model");
        var n = JsonFields.OptionalInt(root, "n", 1, 16) ?? 1;
        // Completions accept max_tokens 0 with echo (scoring a prompt); the caller checks the pairing.
        var maxTokens = (chat ? JsonFields.OptionalInt(root, "max_completion_tokens", 1) : null)
            ?? JsonFields.OptionalInt(root, "max_tokens", chat ? 1 : 0);
        var includeUsage = false;
        var continuousUsage = false;
        if (!JsonFields.IsAbsent(root, "stream_options", out var streamOptions))
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException("stream_options", "'stream_options' must be an object.");
            }
            includeUsage = JsonFields.OptionalBool(streamOptions, "include_usage", false);
            continuousUsage = includeUsage && JsonFields.OptionalBool(streamOptions, "continuous_usage_stats", false);
        }
        var sampling = new SamplingParams
        {
            Temperature = JsonFields.OptionalNumber(root, "temperature", 0, 2) ?? 1.0,
            TopP = JsonFields.OptionalNumber(root, "top_p", double.Epsilon, 1) ?? 1.0,
            TopK = JsonFields.OptionalInt(root, "top_k", -1) ?? 0,
            Seed = JsonFields.OptionalLong(root, "seed"),
            Stop = JsonFields.StringOrStrings(root, "stop", 8),
            StopTokenIds = JsonFields.OptionalIntArray(root, "stop_token_ids"),
            IgnoreEos = JsonFields.OptionalBool(root, "ignore_eos", false),
            IncludeStopStrInOutput = JsonFields.OptionalBool(root, "include_stop_str_in_output", false),
            SkipSpecialTokens = JsonFields.OptionalBool(root, "skip_special_tokens", true),
            AllowedTokenIds = JsonFields.IsAbsent(root, "allowed_token_ids", out _)
                ? null
                : JsonFields.OptionalIntArray(root, "allowed_token_ids") is { Count: > 0 } ids
                    ? ids.ToHashSet()
                    : throw new RequestValidationException("allowed_token_ids", "'allowed_token_ids' must list at least one token id."),
            MinP = JsonFields.OptionalNumber(root, "min_p", 0, 1) ?? 0,
            MinTokens = JsonFields.OptionalInt(root, "min_tokens", 0) ?? 0,
            RepetitionPenalty = JsonFields.OptionalNumber(root, "repetition_penalty", double.Epsilon, 100) ?? 1.0,
            PresencePenalty = JsonFields.OptionalNumber(root, "presence_penalty", -2, 2) ?? 0,
            FrequencyPenalty = JsonFields.OptionalNumber(root, "frequency_penalty", -2, 2) ?? 0,
            LogitBias = ReadLogitBias(root),
            Logprobs = ReadLogprobs(root, chat),
            PromptLogprobs = JsonFields.OptionalInt(root, "prompt_logprobs", 0, 20),
        };
        var stream = JsonFields.OptionalBool(root, "stream", false);
        if (stream && sampling.PromptLogprobs is not null)
        {
            throw new RequestValidationException("prompt_logprobs", "'prompt_logprobs' is not available with 'stream': true.");
        }
        if (maxTokens is int max && sampling.MinTokens > max)
        {
            throw new RequestValidationException("min_tokens", "'min_tokens' must not exceed 'max_tokens'.");
        }
        return new GenerationSettings(model, stream, includeUsage, maxTokens, sampling,
            JsonFields.OptionalInt(root, "priority", int.MinValue) ?? 0, n, JsonFields.OptionalInt(root, "truncate_prompt_tokens", 1))
        {
            ContinuousUsage = continuousUsage,
        };
    }

    /// <summary>The prompt cut to its last truncate_prompt_tokens tokens (vLLM keeps the end); unchanged when not asked.</summary>
    public IReadOnlyList<int> Truncate(IReadOnlyList<int> prompt) =>
        TruncatePromptTokens is int keep && prompt.Count > keep ? prompt.Skip(prompt.Count - keep).ToList() : prompt;

    /// <summary>
    /// Token ids the request names must exist in this model's vocabulary, and <c>allowed_token_ids</c> must leave a
    /// token that <c>min_tokens</c> lets through (one that neither ends the output nor is a stop id). A bias on a token
    /// the model cannot produce is refused rather than ignored, as vLLM does: it is a client's mistake (a tokenizer
    /// that does not match the model) that would otherwise pass unnoticed.
    /// </summary>
    public void CheckVocabulary(int vocabSize, IReadOnlyList<int> eosIds)
    {
        if (Sampling.LogitBias.Keys.Where(id => id >= vocabSize).Select(id => (int?)id).FirstOrDefault() is int biased)
        {
            throw new RequestValidationException("logit_bias", $"'logit_bias' names token id {biased}, outside the vocabulary (0-{vocabSize - 1}).");
        }
        if (Sampling.AllowedTokenIds is not { } allowed)
        {
            return;
        }
        if (allowed.Where(id => id < 0 || id >= vocabSize).Select(id => (int?)id).FirstOrDefault() is int bad)
        {
            throw new RequestValidationException("allowed_token_ids", $"Token id {bad} is outside the vocabulary (0-{vocabSize - 1}).");
        }
        var ending = Sampling.StopTokenIds.Concat(Sampling.IgnoreEos ? [] : eosIds).ToHashSet();
        if (Sampling.MinTokens > 0 && allowed.All(ending.Contains))
        {
            throw new RequestValidationException("allowed_token_ids",
                "'allowed_token_ids' holds only tokens that end the output, which 'min_tokens' forbids.");
        }
    }

    /// <summary>
    /// Chat: <c>logprobs: true</c> plus <c>top_logprobs</c> (0-20). Completions: <c>logprobs</c> is the number of
    /// alternatives (0-20). Null when log-probabilities were not asked for.
    /// </summary>
    private static int? ReadLogprobs(JsonElement root, bool chat)
    {
        if (!chat)
        {
            return JsonFields.OptionalInt(root, "logprobs", 0, 20);
        }
        var top = JsonFields.OptionalInt(root, "top_logprobs", 0, 20);
        if (!JsonFields.OptionalBool(root, "logprobs", false))
        {
            return top is null ? null : throw new RequestValidationException("top_logprobs", "'top_logprobs' needs 'logprobs': true.");
        }
        return top ?? 0;
    }

    /// <summary>OpenAI's logit_bias: an object from token id (as a string) to a bias in [-100, 100].</summary>
    private static Dictionary<int, float> ReadLogitBias(JsonElement root)
    {
        var result = new Dictionary<int, float>();
        if (JsonFields.IsAbsent(root, "logit_bias", out var bias))
        {
            return result;
        }
        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("logit_bias", "'logit_bias' must be an object mapping token ids to numbers.");
        }
        foreach (var entry in bias.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.CultureInfo.InvariantCulture, out var token) || token < 0
                || entry.Value.ValueKind != JsonValueKind.Number || entry.Value.GetDouble() is < -100 or > 100)
            {
                throw new RequestValidationException("logit_bias", $"'logit_bias' entry '{entry.Name}' must map a token id to a number in [-100, 100].");
            }
            result[token] = (float)entry.Value.GetDouble();
        }
        return result;
    }
}
