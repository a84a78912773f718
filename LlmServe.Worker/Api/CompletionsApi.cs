using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Api;

/// <summary><c>POST /v1/completions</c> with a string or token-array prompt, streaming and not.</summary>
internal static class CompletionsApi
{
    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/completions", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, ModelHost host)
    {
        if (RequestPipeline.CheckReady(host, out var engine) is { } notReady)
        {
            await notReady.ExecuteAsync(context);
            return;
        }
        using var doc = await RequestPipeline.ReadBodyAsync(context);
        if (doc is null)
        {
            return;
        }
        try
        {
            var root = doc.RootElement;
            var settings = GenerationSettings.Parse(root, chat: false);
            if (settings.Model != host.ServedModelName)
            {
                await OpenAiError.ModelNotFound(settings.Model, [host.ServedModelName]).ExecuteAsync(context);
                return;
            }
            var model = engine.Model;
            var prompt = ReadPrompt(root, model.Tokenizer);
            var echo = JsonFields.OptionalBool(root, "echo", false) ? model.Tokenizer.Decode(prompt) : "";
            var limited = settings with { MaxTokens = settings.MaxTokens ?? 16 }; // OpenAI's completions default
            var sampling = RequestPipeline.Limit(limited, prompt.Count, model.MaxModelLen, "prompt");
            await GenerationResponder.RespondAsync(context, engine, "cmpl", prompt, settings, sampling,
                (id, created, text, finish, first) => new
                {
                    id, @object = "text_completion", created, model = settings.Model,
                    choices = new[] { new { index = 0, text = first ? echo : text, logprobs = (object?)null, finish_reason = finish } },
                },
                (id, created, text, finish, usage) => new
                {
                    id, @object = "text_completion", created, model = settings.Model,
                    choices = new[] { new { index = 0, text = echo + text, logprobs = (object?)null, finish_reason = finish } },
                    usage,
                },
                usageChunkShape: "text_completion");
        }
        catch (RequestValidationException ex)
        {
            await OpenAiError.BadRequest(ex.Message, ex.Param).ExecuteAsync(context);
        }
    }

    /// <summary>A string, a one-element array of strings, or an array of token ids.</summary>
    private static IReadOnlyList<int> ReadPrompt(JsonElement root, ITokenizer tokenizer)
    {
        if (JsonFields.IsAbsent(root, "prompt", out var prompt))
        {
            throw new RequestValidationException("prompt", "'prompt' is required.");
        }
        if (prompt.ValueKind == JsonValueKind.String)
        {
            return tokenizer.Encode(prompt.GetString()!, addSpecial: true);
        }
        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0)
        {
            var items = prompt.EnumerateArray().ToList();
            if (items.Count == 1 && items[0].ValueKind == JsonValueKind.String)
            {
                return tokenizer.Encode(items[0].GetString()!, addSpecial: true);
            }
            if (items.All(i => i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var t) && t >= 0 && t < tokenizer.VocabSize))
            {
                return items.Select(i => i.GetInt32()).ToList();
            }
            if (items.All(i => i.ValueKind == JsonValueKind.String))
            {
                throw new RequestValidationException("prompt", "Batched prompts are not supported by this replica yet; send one prompt per request.");
            }
        }
        throw new RequestValidationException("prompt", "'prompt' must be a string or an array of token ids within the vocabulary.");
    }
}
