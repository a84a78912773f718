namespace LlmServe.Rag.Ingestion;

/// <summary>A chunk ready for indexing, carrying the document it came from for citations.</summary>
/// <param name="Document">Name of the source document, e.g. <c>paged-kv-cache.md</c>.</param>
/// <param name="Title">Title of the source document.</param>
/// <param name="Index">Position of the chunk within its document, from 0.</param>
/// <param name="Heading">The Markdown heading the chunk sits under, if any.</param>
/// <param name="Text">The chunk text.</param>
internal sealed record DocumentChunk(string Document, string Title, int Index, string? Heading, string Text);
