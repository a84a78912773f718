using LlmServe.Rag.Generation;
using LlmServe.Rag.Ingestion.Parsing;
using LlmServe.Rag.VectorStores;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Rag.Apis;

/// <summary>Maps the collection layer's exceptions to OpenAI-shaped errors with the right status.</summary>
internal static partial class CollectionErrors
{
    public static async Task<IResult> GuardAsync(ILogger logger, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (CollectionNotFoundException ex)
        {
            return ApiErrors.Create(StatusCodes.Status404NotFound, ex.Message, OpenAiError.InvalidRequest, "collection", "collection_not_found");
        }
        catch (CollectionConflictException ex)
        {
            return ApiErrors.Create(StatusCodes.Status409Conflict, ex.Message, OpenAiError.InvalidRequest, "collection", "collection_conflict");
        }
        catch (MalformedDocumentException ex)
        {
            return ApiErrors.Create(StatusCodes.Status422UnprocessableEntity, ex.Message, OpenAiError.InvalidRequest, null, "malformed_document");
        }
        catch (ArgumentException ex)
        {
            // A vector of another dimension than the collection's: the embedding model changed under the collection.
            return ApiErrors.Create(StatusCodes.Status409Conflict, ex.Message, OpenAiError.InvalidRequest, null, "dimension_mismatch");
        }
        catch (GatewayException ex)
        {
            LogGatewayFailed(logger, ex, ex.UpstreamStatus);
            return ApiErrors.BadGateway($"The gateway failed: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway call failed (upstream status {UpstreamStatus})")]
    private static partial void LogGatewayFailed(ILogger logger, Exception exception, int? upstreamStatus);
}
