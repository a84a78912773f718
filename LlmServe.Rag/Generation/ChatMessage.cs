using System.Text.Json.Serialization;

namespace LlmServe.Rag.Generation;

/// <summary>An OpenAI chat message (<c>role</c> is system, user or assistant).</summary>
internal sealed record ChatMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string? Content);
