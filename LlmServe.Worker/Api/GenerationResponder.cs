using System.Text.Json;
using LlmServe.Worker.Engine;
using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Worker.Api;

/// <summary>
/// Submits a validated request to the engine and writes the OpenAI response: one JSON body, or server-sent events
/// ending in <c>data: [DONE]</c>. The request's abort token cancels the engine request.
/// </summary>
internal static class GenerationResponder
{
    /// <summary>Builds one chunk/choice object for a text delta; the flavour (chat or completion) is the caller's.</summary>
    internal delegate object ChunkFactory(string id, long created, string text, string? finishReason, bool first);

    /// <summary>Builds the final non-streaming body.</summary>
    internal delegate object BodyFactory(string id, long created, string text, string finishReason, object usage);

    public static async Task RespondAsync(HttpContext context, InferenceEngine engine, string idPrefix, IReadOnlyList<int> prompt,
        GenerationSettings settings, SamplingParams sampling, ChunkFactory chunk, BodyFactory body, object? usageChunkShape = null)
    {
        var id = $"{idPrefix}-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = engine.Submit(id, prompt, sampling, context.RequestAborted, settings.Priority);
        var reader = request.Output.Reader;

        if (!settings.Stream)
        {
            var text = new System.Text.StringBuilder();
            GenerationEvent last = default;
            await foreach (var e in reader.ReadAllAsync(context.RequestAborted))
            {
                text.Append(e.Text);
                last = e;
            }
            await context.Response.WriteAsJsonAsync(body(id, created, text.ToString(), (last.Finish ?? FinishReason.Abort).ToWire(), Usage(last)));
            return;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await WriteEventAsync(context, chunk(id, created, "", null, true));
        GenerationEvent final = default;
        await foreach (var e in reader.ReadAllAsync(context.RequestAborted))
        {
            final = e;
            if (e.Text.Length > 0 || e.Finish is not null)
            {
                await WriteEventAsync(context, chunk(id, created, e.Text, e.Finish?.ToWire(), false));
            }
        }
        if (settings.IncludeUsage)
        {
            await WriteEventAsync(context, new Dictionary<string, object?>
            {
                ["id"] = id, ["object"] = usageChunkShape ?? "chat.completion.chunk", ["created"] = created,
                ["model"] = settings.Model, ["choices"] = Array.Empty<object>(), ["usage"] = Usage(final),
            });
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static object Usage(GenerationEvent last) => new
    {
        prompt_tokens = last.PromptTokens,
        completion_tokens = last.CompletionTokens,
        total_tokens = last.PromptTokens + last.CompletionTokens,
    };

    private static async Task WriteEventAsync(HttpContext context, object payload)
    {
        var json = JsonSerializer.Serialize(payload);
        await context.Response.WriteAsync($"data: {json}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
