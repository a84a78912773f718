using System.Text.Json;
using LlmServe.Rag.Collections;

namespace LlmServe.Rag.Apis;

/// <summary><c>POST /v1/rag/collections/{name}/query</c>: an answer with citations, whole or as server-sent events.</summary>
internal static class CollectionQueryApi
{
    public static Task<IResult> QueryAsync(
        string name, HttpContext context, CollectionAnswerer answerer, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (await CollectionsApi.ReadJsonAsync(context.Request, cancellationToken) is not { } body)
            {
                return ApiErrors.BadRequest("The request body is not valid JSON.");
            }
            if (!CollectionRequests.TryParseQuery(CollectionsApi.Checked(name), body, out var query, out var stream, out var error))
            {
                return ApiErrors.BadRequest(error.Message, error.Param);
            }
            if (!stream)
            {
                return TypedResults.Ok(RagApi.ToResponse(await answerer.AnswerAsync(query, cancellationToken)));
            }
            // Sources are known before the first token: they go first, so a client can show them while text arrives.
            var (sources, model, deltas) = await answerer.StreamAsync(query, cancellationToken);
            var citations = RagApi.ToResponse(new Generation.RagAnswer("", model, sources, null)).Citations;
            await ServerSentEvents.StartAsync(context.Response, cancellationToken);
            await ServerSentEvents.WriteAsync(context.Response, JsonSerializer.Serialize(new { model, citations }), cancellationToken);
            await foreach (var delta in deltas.WithCancellation(cancellationToken))
            {
                await ServerSentEvents.WriteAsync(context.Response, JsonSerializer.Serialize(new { delta }), cancellationToken);
            }
            await ServerSentEvents.WriteAsync(context.Response, "[DONE]", cancellationToken);
            return TypedResults.Empty;
        });
}
