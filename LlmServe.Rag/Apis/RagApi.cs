using System.Text.Json;
using LlmServe.Rag.Generation;
using LlmServe.ServiceDefaults.OpenAi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LlmServe.Rag.Apis;

/// <summary>The RAG endpoints: <c>POST /v1/rag/query</c> and <c>GET /v1/rag/documents</c>.</summary>
internal static partial class RagApi
{
    public static IEndpointRouteBuilder MapRagApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/rag");
        api.MapPost("/query", QueryAsync);
        api.MapGet("/documents", ListDocumentsAsync);
        return app;
    }

    public static async Task<Results<Ok<RagQueryResponse>, JsonHttpResult<OpenAiErrorBody>>> QueryAsync(
        HttpRequest request, [AsParameters] RagServices services, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        if (!RagQueryParser.TryParse(body, out var query, out var error))
        {
            return ApiErrors.BadRequest(error.Message, error.Param);
        }
        if (!services.Ingestion.IsReady)
        {
            return ApiErrors.Unavailable("The document index is not ready yet; retry shortly.");
        }

        try
        {
            var answer = await services.Answerer.AnswerAsync(query, cancellationToken);
            return TypedResults.Ok(ToResponse(answer));
        }
        catch (GatewayException ex)
        {
            LogGatewayFailed(services.Logger, ex, ex.UpstreamStatus);
            return ApiErrors.BadGateway($"The gateway failed to generate an answer: {ex.Message}");
        }
    }

    public static async Task<Ok<DocumentListResponse>> ListDocumentsAsync(
        [AsParameters] RagServices services, CancellationToken cancellationToken)
    {
        var documents = await services.Store.ListDocumentsAsync(cancellationToken);
        return TypedResults.Ok(new DocumentListResponse(
            [.. documents.Select(d => new DocumentResponse(d.Document, d.Title, d.Chunks))]));
    }

    internal static RagQueryResponse ToResponse(RagAnswer answer) => new(
        answer.Answer,
        answer.Model,
        [.. answer.Sources.Select((s, i) => new CitationResponse(
            i + 1, s.Chunk.Document, s.Chunk.Title, s.Chunk.Index, s.Chunk.Heading, s.Score, s.Chunk.Text))],
        answer.Usage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway call failed (upstream status {UpstreamStatus})")]
    private static partial void LogGatewayFailed(ILogger logger, Exception exception, int? upstreamStatus);
}
