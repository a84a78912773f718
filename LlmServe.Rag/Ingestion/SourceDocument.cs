namespace LlmServe.Rag.Ingestion;

/// <summary>A document as read from disk: its name (path relative to the documents folder), title and raw text.</summary>
internal sealed record SourceDocument(string Name, string Title, string Text);
