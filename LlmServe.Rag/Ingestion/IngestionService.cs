using System.Diagnostics;
using LlmServe.Rag.Retrieval;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Ingestion;

/// <summary>
/// Reads, chunks and indexes the documents folder once at startup. It runs in the background so the process
/// answers liveness probes at once; readiness turns healthy when it completes.
/// </summary>
internal sealed partial class IngestionService(
    IChunkStore store,
    IngestionStatus status,
    IOptions<RagOptions> options,
    ChunkTokenizer tokenizer,
    ILogger<IngestionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var folder = settings.ResolveDocumentsPath();
        try
        {
            var started = Stopwatch.GetTimestamp();
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"The documents folder '{folder}' does not exist.");
            }
            var files = DocumentLoader.FindFiles(folder);
            LogStarted(folder, files.Count);

            var totalChunks = 0;
            foreach (var file in files)
            {
                var document = await DocumentLoader.LoadAsync(folder, file, stoppingToken);
                var chunks = tokenizer.Chunk(document.Text, document.Title, settings.ChunkTokens, settings.ChunkOverlapTokens)
                    .Select(c => new DocumentChunk(document.Name, document.Title, c.Index, c.Heading, c.Text))
                    .ToList();
                await store.UpsertAsync(document.Name, chunks, stoppingToken);
                totalChunks += chunks.Count;
                LogDocumentIndexed(document.Name, document.Title, chunks.Count);
            }

            status.MarkCompleted(files.Count, totalChunks);
            LogCompleted(files.Count, totalChunks, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before ingestion finished: nothing to report.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            status.MarkFailed(ex.Message);
            LogFailed(ex, folder);
        }
    }
}
