using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmServe.Rag.Generation;

/// <summary>The subset of the OpenAI chat completion response this service reads; usage is kept verbatim.</summary>
internal sealed record ChatCompletionResponse(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatCompletionChoice>? Choices,
    [property: JsonPropertyName("usage")] JsonElement? Usage);
