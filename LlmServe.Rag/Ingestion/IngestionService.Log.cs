namespace LlmServe.Rag.Ingestion;

internal sealed partial class IngestionService
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Ingesting {FileCount} documents from {Folder}")]
    private partial void LogStarted(string folder, int fileCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed {Document} ({Title}): {ChunkCount} chunks")]
    private partial void LogDocumentIndexed(string document, string title, int chunkCount);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Ingestion completed: {DocumentCount} documents, {ChunkCount} chunks in {ElapsedMs:F0} ms")]
    private partial void LogCompleted(int documentCount, int chunkCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion from {Folder} failed; the service stays not ready")]
    private partial void LogFailed(Exception exception, string folder);
}
