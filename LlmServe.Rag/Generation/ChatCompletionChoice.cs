using System.Text.Json.Serialization;

namespace LlmServe.Rag.Generation;

/// <summary>One choice of an OpenAI chat completion response.</summary>
internal sealed record ChatCompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatMessage? Message,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);
