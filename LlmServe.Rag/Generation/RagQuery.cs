namespace LlmServe.Rag.Generation;

/// <summary>A validated question; null settings fall back to the configured defaults.</summary>
internal sealed record RagQuery(string Question, int? TopK = null, string? Model = null, int? MaxTokens = null);
