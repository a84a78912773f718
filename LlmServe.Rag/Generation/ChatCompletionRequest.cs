using System.Text.Json.Serialization;

namespace LlmServe.Rag.Generation;

/// <summary>The subset of the OpenAI chat completion request this service sends.</summary>
internal sealed record ChatCompletionRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("messages")] IReadOnlyList<ChatMessage> Messages,
    [property: JsonPropertyName("max_tokens")] int MaxTokens,
    [property: JsonPropertyName("stream")] bool Stream = false);
