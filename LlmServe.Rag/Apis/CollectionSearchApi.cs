using LlmServe.Rag.Collections;
using LlmServe.Rag.VectorStores;

namespace LlmServe.Rag.Apis;

/// <summary>Retrieval without generation: <c>POST .../search</c> (the chunks a question would cite) and <c>GET .../documents</c>.</summary>
internal static class CollectionSearchApi
{
    public static RouteGroupBuilder MapCollectionSearch(this RouteGroupBuilder api)
    {
        api.MapPost("/{name}/search", SearchAsync);
        api.MapGet("/{name}/documents", ListDocumentsAsync);
        return api;
    }

    private static Task<IResult> SearchAsync(
        string name, HttpRequest request, CollectionService collections, Microsoft.Extensions.Options.IOptions<RagOptions> options,
        ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (await CollectionsApi.ReadJsonAsync(request, cancellationToken) is not { } body)
            {
                return ApiErrors.BadRequest("The request body is not valid JSON.");
            }
            if (!CollectionRequests.TryParseQuery(CollectionsApi.Checked(name), body, out var query, out _, out var error))
            {
                return ApiErrors.BadRequest(error.Message, error.Param);
            }
            var chunks = await collections.RetrieveAsync(
                query.Collection, query.Question, query.TopK ?? options.Value.TopK, query.Filter, query.Hybrid, cancellationToken);
            return TypedResults.Ok(new
            {
                data = chunks.Select((c, i) => new CitationResponse(
                    i + 1, c.Chunk.Document, c.Chunk.Title, c.Chunk.Index, c.Chunk.Heading, c.Score, c.Chunk.Text)),
            });
        });

    private static Task<IResult> ListDocumentsAsync(string name, IVectorStore store, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (await store.GetCollectionAsync(CollectionsApi.Checked(name), cancellationToken) is null)
            {
                throw new CollectionNotFoundException(name);
            }
            var records = await store.ListRecordsAsync(name, cancellationToken);
            return TypedResults.Ok(new DocumentListResponse([.. records
                .GroupBy(r => r.Document, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DocumentResponse(g.Key, g.First().Title, g.Count()))]));
        });
}
