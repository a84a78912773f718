namespace LlmServe.Rag.Collections;

/// <summary>A document stored in a collection: its id, title and how many chunks it became.</summary>
internal sealed record IngestResult(string Document, string Title, int Chunks);
