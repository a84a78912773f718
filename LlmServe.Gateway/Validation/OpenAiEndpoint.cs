namespace LlmServe.Gateway.Validation;

/// <summary>The OpenAI inference endpoints the gateway routes; each has its own required fields.</summary>
internal enum OpenAiEndpoint
{
    ChatCompletions,
    Completions,
    Embeddings,

    /// <summary>vLLM's <c>/score</c>: <c>text_1</c> against <c>text_2</c>.</summary>
    Score,

    /// <summary>The Jina/Cohere-style rerank: a <c>query</c> against <c>documents</c>.</summary>
    Rerank,
}
