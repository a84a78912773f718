namespace LlmServe.Rag.Ingestion;

/// <summary>One piece of a document: its position, the heading it sits under (if any) and its text.</summary>
internal sealed record TextChunk(int Index, string? Heading, string Text);
