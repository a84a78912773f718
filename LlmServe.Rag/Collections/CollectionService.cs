using System.Diagnostics;
using LlmServe.Rag.Embeddings;
using LlmServe.Rag.Ingestion;
using LlmServe.Rag.Ingestion.Parsing;
using LlmServe.Rag.Retrieval;
using LlmServe.Rag.VectorStores;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Collections;

/// <summary>
/// Collections end to end: parse, chunk, embed (batched, through the gateway) and store documents; retrieve the
/// chunks for a question by vector search, optionally fused with BM25 (hybrid).
/// </summary>
internal sealed partial class CollectionService(
    IVectorStore store,
    GatewayEmbeddingClient embeddings,
    LexicalIndexCache lexical,
    RagTelemetry telemetry,
    IOptions<RagOptions> options,
    ChunkTokenizer tokenizer,
    ILogger<CollectionService> logger)
{
    /// <summary>Creates a collection; without a dimension it is learnt by embedding a probe through the model.</summary>
    public async Task<CollectionInfo> CreateAsync(string name, string? model, int? dimension, CancellationToken cancellationToken)
    {
        model ??= options.Value.EmbeddingModel;
        dimension ??= (await embeddings.EmbedAsync(model, ["dimension probe"], cancellationToken))[0].Length;
        var info = new CollectionInfo(name, model, dimension.Value);
        await store.EnsureCollectionAsync(info, cancellationToken);
        return info;
    }

    public async Task<CollectionInfo> RequireAsync(string name, CancellationToken cancellationToken) =>
        await store.GetCollectionAsync(name, cancellationToken) ?? throw new CollectionNotFoundException(name);

    /// <summary>
    /// Parses and stores one document, replacing any earlier version with the same id. Parsing and embedding
    /// happen before the store is touched, so a malformed document or a failed embedding leaves the collection as
    /// it was.
    /// </summary>
    public async Task<IngestResult> IngestAsync(
        string collection, string document, byte[] content, DocumentFormat format,
        IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        var parsed = DocumentParser.Parse(document, content, format);
        var settings = options.Value;
        var chunks = tokenizer.Chunk(parsed.Text, parsed.Title, settings.ChunkTokens, settings.ChunkOverlapTokens);
        var vectors = await embeddings.EmbedAsync(info.EmbeddingModel,
            [.. chunks.Select(c => ChunkTokenizer.EmbeddedText(parsed.Title, c.Heading, c.Text))], cancellationToken);
        var recordMetadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal)
        {
            ["format"] = format.ToString().ToLowerInvariant(),
        };
        var records = chunks.Select((c, i) => new VectorRecord(document, c.Index, parsed.Title, c.Heading, c.Text, recordMetadata, vectors[i])).ToList();
        await store.UpsertDocumentAsync(collection, document, records, cancellationToken);
        lexical.Invalidate(collection);
        telemetry.IngestedChunks.Add(records.Count, new KeyValuePair<string, object?>("rag.collection", collection));
        LogIngested(collection, document, records.Count);
        return new IngestResult(document, parsed.Title, records.Count);
    }

    /// <summary>Ingests every supported file under <paramref name="folder"/>; a bad file is reported and skipped.</summary>
    public async Task<int> IngestFolderAsync(string collection, string folder, Func<IngestProgress, Task> progress, CancellationToken cancellationToken)
    {
        await RequireAsync(collection, cancellationToken);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => DocumentFormats.FromFileName(f) is not null).Order(StringComparer.Ordinal).ToList();
        var stored = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var name = Path.GetRelativePath(folder, files[i]).Replace(Path.DirectorySeparatorChar, '/');
            try
            {
                var content = await File.ReadAllBytesAsync(files[i], cancellationToken);
                var result = await IngestAsync(collection, name, content, DocumentFormats.FromFileName(name)!.Value,
                    new Dictionary<string, string>(), cancellationToken);
                stored++;
                await progress(new IngestProgress(i + 1, files.Count, name, result.Chunks, null));
            }
            catch (MalformedDocumentException ex)
            {
                await progress(new IngestProgress(i + 1, files.Count, name, 0, ex.Message));
            }
        }
        return stored;
    }

    public async Task<bool> DeleteDocumentAsync(string collection, string document, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteDocumentAsync(collection, document, cancellationToken);
        lexical.Invalidate(collection);
        return deleted;
    }

    /// <summary>The top-k chunks for a question: vector search, or with <paramref name="hybrid"/> RRF of vector and BM25 rankings.</summary>
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(
        string collection, string question, int topK, VectorFilter? filter, bool hybrid, CancellationToken cancellationToken)
    {
        var info = await RequireAsync(collection, cancellationToken);
        var query = (await embeddings.EmbedAsync(info.EmbeddingModel, [question], cancellationToken))[0];
        // Hybrid asks each side for more than k, so a chunk ranked a little lower by one side can still win on fusion.
        var depth = hybrid ? Math.Max(topK * 4, 20) : topK;
        var vectorHits = await SearchAsync(collection, query, depth, filter, cancellationToken);
        if (!hybrid)
        {
            return [.. vectorHits.Select(h => new RetrievedChunk(ToChunk(h.Record), h.Score))];
        }
        var lexicalHits = (await lexical.GetAsync(collection, cancellationToken)).Search(question, depth, filter);
        var byKey = vectorHits.Select(h => h.Record).Concat(lexicalHits).DistinctBy(r => r.Key).ToDictionary(r => r.Key);
        var fused = ReciprocalRankFusion.Fuse<string>([[.. vectorHits.Select(h => h.Record.Key)], [.. lexicalHits.Select(r => r.Key)]]);
        return [.. fused.Take(topK).Select(f => new RetrievedChunk(ToChunk(byKey[f.Key]), f.Score))];
    }

    internal static DocumentChunk ToChunk(VectorRecord record) =>
        new(record.Document, record.Title, record.Index, record.Heading, record.Text);

    private async Task<IReadOnlyList<VectorHit>> SearchAsync(
        string collection, float[] query, int topK, VectorFilter? filter, CancellationToken cancellationToken)
    {
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.search");
        activity?.SetTag("rag.collection", collection);
        activity?.SetTag("rag.top_k", topK);
        activity?.SetTag("rag.filtered", filter is not null);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var hits = await store.SearchAsync(collection, query, topK, filter, cancellationToken);
            activity?.SetTag("rag.hits", hits.Count);
            return hits;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            telemetry.SearchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Document} in collection {Collection}: {ChunkCount} chunks")]
    private partial void LogIngested(string collection, string document, int chunkCount);
}
