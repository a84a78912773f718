namespace LlmServe.Gateway.Validation;

/// <summary>The OpenAI inference endpoints the gateway routes; each has its own required fields.</summary>
internal enum OpenAiEndpoint
{
    ChatCompletions,
    Completions,
    Embeddings,
}
