namespace LlmServe.Rag.Collections;

/// <summary>Progress of a folder ingestion after one file: done of total, and that file's outcome.</summary>
internal sealed record IngestProgress(int Done, int Total, string Document, int Chunks, string? Error);
