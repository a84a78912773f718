using System.Globalization;
using System.Text.Json;
using LlmServe.Rag.Collections;
using LlmServe.ServiceDefaults.OpenAi;

namespace LlmServe.Rag.Apis;

/// <summary>
/// <c>POST /v1/chat/completions</c> for the models <c>rag/&lt;collection&gt;</c>: the last user message is the
/// question, the answer is an OpenAI chat completion (or its stream of chunks) with an extra <c>citations</c> field.
/// The gateway routes these model names here as an external OpenAI-compatible deployment.
/// </summary>
internal static class RagChatCompletionsApi
{
    public static IEndpointRouteBuilder MapRagChatCompletions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", CompleteAsync);
        return app;
    }

    private static Task<IResult> CompleteAsync(
        HttpContext context, CollectionAnswerer answerer, TimeProvider clock, ILogger<CollectionService> logger, CancellationToken cancellationToken) =>
        CollectionErrors.GuardAsync(logger, async () =>
        {
            if (await CollectionsApi.ReadJsonAsync(context.Request, cancellationToken) is not { ValueKind: JsonValueKind.Object } body)
            {
                return ApiErrors.BadRequest("The request body must be a JSON object.");
            }
            if (!body.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String)
            {
                return ApiErrors.BadRequest("Missing required parameter: 'model'.", "model");
            }
            var model = modelElement.GetString()!;
            if (!model.StartsWith(CollectionResponse.ModelPrefix, StringComparison.Ordinal))
            {
                return ApiErrors.Create(StatusCodes.Status404NotFound,
                    $"The model '{model}' does not exist here; this service answers 'rag/<collection>' models.",
                    OpenAiError.InvalidRequest, "model", "model_not_found");
            }
            if (Question(body) is not { } question)
            {
                return ApiErrors.BadRequest("'messages' must end with a user message whose content is a non-empty string.", "messages");
            }
            var maxTokens = body.TryGetProperty("max_tokens", out var m) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out var n) && n > 0 ? n : (int?)null;
            var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var query = new CollectionQuery(CollectionsApi.Checked(model[CollectionResponse.ModelPrefix.Length..]), question, null, null, false, null, maxTokens);
            var id = $"chatcmpl-rag-{Guid.NewGuid():N}";
            var created = clock.GetUtcNow().ToUnixTimeSeconds();
            if (!stream)
            {
                var answer = await answerer.AnswerAsync(query, cancellationToken);
                return TypedResults.Json(new
                {
                    id,
                    @object = "chat.completion",
                    created,
                    model,
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = answer.Answer }, finish_reason = "stop" } },
                    usage = answer.Usage,
                    citations = RagApi.ToResponse(answer).Citations,
                });
            }
            var (sources, generator, deltas) = await answerer.StreamAsync(query, cancellationToken);
            await ServerSentEvents.StartAsync(context.Response, cancellationToken);
            await WriteChunkAsync(context, id, created, model, new { role = "assistant", content = "" }, null, null, cancellationToken);
            await foreach (var delta in deltas.WithCancellation(cancellationToken))
            {
                await WriteChunkAsync(context, id, created, model, new { content = delta }, null, null, cancellationToken);
            }
            var citations = RagApi.ToResponse(new Generation.RagAnswer("", generator, sources, null)).Citations;
            await WriteChunkAsync(context, id, created, model, new { }, "stop", citations, cancellationToken);
            await ServerSentEvents.WriteAsync(context.Response, "[DONE]", cancellationToken);
            return TypedResults.Empty;
        });

    /// <summary>The content of the last message when it is a user message with non-empty string content.</summary>
    internal static string? Question(JsonElement body) =>
        body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
        && messages[messages.GetArrayLength() - 1] is { ValueKind: JsonValueKind.Object } last
        && last.TryGetProperty("role", out var role) && role.ValueEquals("user")
        && last.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(content.GetString())
            ? content.GetString()
            : null;

    private static Task WriteChunkAsync(HttpContext context, string id, long created, string model, object delta, string? finishReason,
        object? citations, CancellationToken cancellationToken) =>
        ServerSentEvents.WriteAsync(context.Response, JsonSerializer.Serialize(new
        {
            id,
            @object = "chat.completion.chunk",
            created,
            model,
            choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
            citations,
        }), cancellationToken);
}
