namespace LlmServe.Worker.Engine;

/// <summary>How one request's tokens are chosen and when its generation stops (vLLM's SamplingParams subset).</summary>
internal sealed record SamplingParams
{
    public int MaxTokens { get; init; } = 16;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;

    /// <summary>0 or less disables top-k.</summary>
    public int TopK { get; init; }
    public long? Seed { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    public bool IgnoreEos { get; init; }

    /// <summary>vLLM's skip_special_tokens: control tokens (EOS aside) are left out of the text; false writes their text.</summary>
    public bool SkipSpecialTokens { get; init; } = true;

    /// <summary>vLLM's include_stop_str_in_output: the stop string that ended the output is returned with it.</summary>
    public bool IncludeStopStrInOutput { get; init; }

    /// <summary>vLLM's allowed_token_ids: only these tokens may be sampled; null allows every token.</summary>
    public IReadOnlySet<int>? AllowedTokenIds { get; init; }

    /// <summary>Tokens whose probability is below min_p times the top token's are dropped (0 disables).</summary>
    public double MinP { get; init; }

    /// <summary>EOS and stop token ids cannot end the output before this many tokens.</summary>
    public int MinTokens { get; init; }

    /// <summary>Divides positive logits (multiplies negative ones) of tokens already in the prompt or output (1 disables).</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Subtracted once from the logit of every token already generated.</summary>
    public double PresencePenalty { get; init; }

    /// <summary>Subtracted from a token's logit per time it was generated.</summary>
    public double FrequencyPenalty { get; init; }

    /// <summary>Added to the logits of the given token ids (OpenAI's logit_bias).</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>Number of top alternatives to report with each token's log-probability; null when not asked for.</summary>
    public int? Logprobs { get; init; }

    /// <summary>
    /// vLLM's prompt_logprobs: the log-probability of every prompt token after the first, with this many top
    /// alternatives per position; null when not asked for. Such a request computes its whole prompt (no prefix-cache
    /// hits), since a cached block has no logits.
    /// </summary>
    public int? PromptLogprobs { get; init; }

    /// <summary>The compiled constraint the output must match (structured outputs, tool calls); null when free.</summary>
    public StructuredOutput.TokenMasker? Grammar { get; init; }

    /// <summary>
    /// When set, <see cref="Grammar"/> binds only the tokens after this one has been generated (a reasoning model's
    /// end-of-thought token, as vLLM constrains only the answer); null binds the output from its first token.
    /// </summary>
    public int? GrammarAfterToken { get; init; }

    /// <summary>
    /// With <see cref="GrammarAfterToken"/>: a token that may open a thought as the output's first token (Qwen3's
    /// &lt;think&gt;, when the prompt leaves the choice to the model). The first token is then drawn from the grammar's
    /// tokens and this one; any other first token starts the constrained answer at once.
    /// </summary>
    public int? ThoughtOpenToken { get; init; }

    public bool NeedsLogitProcessing =>
        MinTokens > 0 || RepetitionPenalty != 1.0 || PresencePenalty != 0 || FrequencyPenalty != 0 || LogitBias.Count > 0
        || AllowedTokenIds is not null;

    public bool IsGreedy => Temperature < 1e-5 || TopK == 1;
}
