namespace LlmServe.Rag.Retrieval;

/// <summary>An indexed document and how many chunks it has.</summary>
internal sealed record DocumentSummary(string Document, string Title, int Chunks);
