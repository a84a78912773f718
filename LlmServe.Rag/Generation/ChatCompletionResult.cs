using System.Text.Json;

namespace LlmServe.Rag.Generation;

/// <summary>What the gateway answered: the text, the model that produced it and the upstream usage object.</summary>
internal sealed record ChatCompletionResult(string Content, string Model, JsonElement? Usage);
