namespace LlmServe.Rag.Ingestion.Parsing;

/// <summary>A document reduced to a title and Markdown-shaped text.</summary>
internal sealed record ParsedDocument(string Title, string Text);
