using System.Text.Json;
using LlmServe.Rag.Retrieval;

namespace LlmServe.Rag.Generation;

/// <summary>A grounded answer: the text, the model, the sources in prompt order (source n = Sources[n - 1]) and usage.</summary>
internal sealed record RagAnswer(string Answer, string Model, IReadOnlyList<RetrievedChunk> Sources, JsonElement? Usage);
