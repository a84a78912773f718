using System.Text.Json;
using LlmServe.Rag.Collections;
using LlmServe.Rag.Generation;
using LlmServe.Rag.Ingestion.Parsing;
using LlmServe.Rag.VectorStores;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Apis;

/// <summary>
/// Collections: create/list/get/delete, document upload (PUT, idempotent by id) and delete, folder ingestion with
/// NDJSON progress, and questions answered with citations (optionally streamed as server-sent events).
/// </summary>
internal static class CollectionsApi
{
    public static IEndpointRouteBuilder MapCollectionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/rag/collections");
        api.MapPost("", CreateAsync);
        api.MapGet("", ListAsync);
        api.MapGet("/{name}", GetAsync);
        api.MapDelete("/{name}", DeleteAsync);
        api.MapPut("/{name}/documents/{**id}", UploadAsync);
        api.MapDelete("/{name}/documents/{**id}", DeleteDocumentAsync);
        api.MapPost("/{name}/ingest", IngestFolderAsync);
        api.MapPost("/{name}/query", CollectionQueryApi.QueryAsync);
        api.MapCollectionSearch();
        return app;
    }

    private static Task<IResult> CreateAsync(HttpRequest request, CollectionService collections, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (await ReadJsonAsync(request, cancellationToken) is not { } body)
            {
                return ApiErrors.BadRequest("The request body is not valid JSON.");
            }
            if (!CollectionRequests.TryParseCreate(body, out var create, out var error))
            {
                return ApiErrors.BadRequest(error.Message, error.Param);
            }
            try
            {
                var info = await collections.CreateAsync(create.Value.Name, create.Value.Model, create.Value.Dimension, cancellationToken);
                return TypedResults.Created($"/v1/rag/collections/{info.Name}", CollectionResponse.From(info));
            }
            catch (GatewayException ex) when (ex.UpstreamStatus == StatusCodes.Status404NotFound)
            {
                // The gateway knows no such model: the caller named the wrong one, nothing failed upstream.
                return ApiErrors.Create(StatusCodes.Status400BadRequest, ex.Message, OpenAiError.InvalidRequest, "embedding_model", "model_not_found");
            }
        });

    private static async Task<IResult> ListAsync(IVectorStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CollectionListResponse([.. (await store.ListCollectionsAsync(cancellationToken)).Select(CollectionResponse.From)]));

    private static Task<IResult> GetAsync(string name, CollectionService collections, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
            TypedResults.Ok(CollectionResponse.From(await collections.RequireAsync(Checked(name), cancellationToken))));

    private static Task<IResult> DeleteAsync(string name, IVectorStore store, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () => await store.DeleteCollectionAsync(Checked(name), cancellationToken)
            ? TypedResults.NoContent()
            : throw new CollectionNotFoundException(name));

    private static Task<IResult> UploadAsync(
        string name, string id, HttpRequest request, CollectionService collections, IOptions<RagOptions> options,
        ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (!CollectionRequests.IsValidDocumentId(id))
            {
                return ApiErrors.BadRequest($"The document id must be 1 to {CollectionRequests.MaxDocumentIdLength} characters without control characters.", "id");
            }
            var format = DocumentFormats.FromMediaType(request.ContentType) ?? DocumentFormats.FromFileName(id);
            if (format is null)
            {
                return ApiErrors.Create(StatusCodes.Status415UnsupportedMediaType,
                    $"Unsupported document type '{request.ContentType}': send text/plain, text/markdown, text/html or application/pdf.",
                    OpenAiError.InvalidRequest, "content_type", "unsupported_media_type");
            }
            var limit = options.Value.MaxUploadBytes;
            var content = await UploadReader.ReadAsync(request, limit, cancellationToken);
            if (content is null)
            {
                return ApiErrors.Create(StatusCodes.Status413PayloadTooLarge,
                    $"The document is larger than the {limit} bytes an upload may have.", OpenAiError.InvalidRequest, null, "payload_too_large");
            }
            var metadata = request.Query.Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
                .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value.ToString(), StringComparer.Ordinal);
            var result = await collections.IngestAsync(Checked(name), id, content, format.Value, metadata, cancellationToken);
            return TypedResults.Ok(new IngestResponse(result.Document, result.Title, result.Chunks));
        });

    private static Task<IResult> DeleteDocumentAsync(
        string name, string id, CollectionService collections, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () => await collections.DeleteDocumentAsync(Checked(name), id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiErrors.Create(StatusCodes.Status404NotFound, $"The collection '{name}' has no document '{id}'.",
                OpenAiError.InvalidRequest, "id", "document_not_found"));

    /// <summary>Ingests a folder under <see cref="RagOptions.IngestRoot"/>, streaming one NDJSON progress line per file.</summary>
    private static Task<IResult> IngestFolderAsync(
        string name, HttpContext context, CollectionService collections, IOptions<RagOptions> options,
        ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (options.Value.ResolveIngestRoot() is not { } root)
            {
                return ApiErrors.Create(StatusCodes.Status403Forbidden,
                    "Folder ingestion is turned off (Rag:IngestRoot is not set); upload documents instead.", OpenAiError.Permission);
            }
            if (await ReadJsonAsync(context.Request, cancellationToken) is not { ValueKind: JsonValueKind.Object } body
                || !body.TryGetProperty("path", out var pathElement) || pathElement.ValueKind != JsonValueKind.String)
            {
                return ApiErrors.BadRequest("The body must be {\"path\": \"folder relative to the ingest root\"}.", "path");
            }
            var rootPath = Path.GetFullPath(root);
            var folder = Path.GetFullPath(Path.Combine(rootPath, pathElement.GetString()!));
            if (!(folder + Path.DirectorySeparatorChar).StartsWith(rootPath.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || !Directory.Exists(folder))
            {
                return ApiErrors.BadRequest("'path' must name an existing folder inside the ingest root.", "path");
            }
            await collections.RequireAsync(Checked(name), cancellationToken);
            context.Response.ContentType = "application/x-ndjson";
            var stored = await collections.IngestFolderAsync(name, folder, async progress =>
            {
                await JsonSerializer.SerializeAsync(context.Response.Body, progress, JsonSerializerOptions.Web, cancellationToken);
                await context.Response.WriteAsync("\n", cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }, cancellationToken);
            await context.Response.WriteAsync($"{{\"done\":true,\"stored\":{stored}}}\n", cancellationToken);
            return TypedResults.Empty;
        });

    internal static string Checked(string name) =>
        CollectionNames.IsValid(name) ? name : throw new CollectionNotFoundException(name);

    internal static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
