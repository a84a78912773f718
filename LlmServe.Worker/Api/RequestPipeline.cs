using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Chat.Jinja;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary>The steps every generation endpoint shares: engine readiness, body parsing, model name, context limits.</summary>
internal static class RequestPipeline
{
    /// <summary>
    /// Runs a generation-model endpoint: 503 while the model loads, 400 for an unreadable body, then
    /// <paramref name="handle"/> with the body's root object; a <see cref="RequestValidationException"/> it throws
    /// becomes a 400 naming the parameter, a <see cref="ChatTemplateException"/> a 400 naming the messages.
    /// </summary>
    public static async Task HandleAsync(HttpContext context, ModelHost host, Func<JsonElement, InferenceEngine, Task> handle)
    {
        if (CheckReady(host, out var engine) is { } notReady)
        {
            await notReady.ExecuteAsync(context);
            return;
        }
        using var doc = await ReadBodyAsync(context);
        if (doc is null)
        {
            return;
        }
        try
        {
            await handle(doc.RootElement, engine);
        }
        catch (RequestValidationException ex)
        {
            await OpenAiError.BadRequest(ex.Message, ex.Param, ex.Code).ExecuteAsync(context);
        }
        catch (ChatTemplateException ex)
        {
            // The model's chat template refused the messages (raise_exception) or could not render them.
            await OpenAiError.BadRequest(ex.Message, "messages").ExecuteAsync(context);
        }
    }

    public static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            var doc = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return doc;
            }
            doc.Dispose();
            await OpenAiError.WriteAsync(context, 400, "The request body must be a JSON object.", OpenAiError.InvalidRequest);
        }
        catch (JsonException ex)
        {
            await OpenAiError.WriteAsync(context, 400, $"The request body is not valid JSON: {ex.Message}", OpenAiError.InvalidRequest);
        }
        return null;
    }

    /// <summary>503 while the model loads (or failed to), 400 when it is an embedding model; else null and the engine.</summary>
    public static IResult? CheckReady(ModelHost host, out InferenceEngine engine)
    {
        engine = host.Engine!; // checked right below
        return host.Engine is not null ? null
            : host.Embedder is not null ? OpenAiError.BadRequest(
                $"The model `{host.ServedModelName}` is an embedding model: this model does not support generation (use /v1/embeddings).", "model")
            : NotLoaded(host);
    }

    public static IResult NotLoaded(ModelHost host) =>
        OpenAiError.Create(503, host.Failure is null ? "The model is still loading." : $"The model failed to load: {host.Failure}", OpenAiError.Unavailable);

    /// <summary>Resolves max_tokens against the context length like vLLM: unset means "the rest of the context".</summary>
    public static SamplingParams Limit(GenerationSettings settings, int promptTokens, int maxModelLen, string promptParam)
    {
        if (promptTokens == 0)
        {
            throw new RequestValidationException(promptParam, "The prompt is empty.");
        }
        if (promptTokens >= maxModelLen)
        {
            throw new RequestValidationException(promptParam,
                $"This model's maximum context length is {maxModelLen} tokens; the prompt has {promptTokens}.",
                RequestValidationException.ContextLengthExceeded);
        }
        var maxTokens = settings.MaxTokens ?? maxModelLen - promptTokens;
        if (promptTokens + maxTokens > maxModelLen)
        {
            throw new RequestValidationException("max_tokens",
                $"This model's maximum context length is {maxModelLen} tokens. However, you requested {promptTokens + maxTokens} tokens ({promptTokens} in the prompt, {maxTokens} for the completion).",
                RequestValidationException.ContextLengthExceeded);
        }
        return settings.Sampling with { MaxTokens = maxTokens };
    }
}
