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

    private static Task HandleAsync(HttpContext context, ModelHost host) =>
        RequestPipeline.HandleAsync(context, host, async (root, engine) =>
    {
        var settings = GenerationSettings.Parse(root, chat: false);
        if (settings.Model != host.ServedModelName)
        {
            await OpenAiError.ModelNotFound(settings.Model, [host.ServedModelName]).ExecuteAsync(context);
            return;
        }
        var model = engine.Model;
        settings.CheckVocabulary(model.Tokenizer.VocabSize, model.EosTokenIds);
        var prompts = ReadPrompts(root, model.Tokenizer).Select(settings.Truncate).ToList();
        var echo = JsonFields.OptionalBool(root, "echo", false);
        var limited = settings with { MaxTokens = settings.MaxTokens ?? 16 }; // OpenAI's completions default
        var sampling = ConstraintReader.Apply(
            prompts.Select(p => RequestPipeline.Limit(limited, p.Count, model.MaxModelLen, "prompt")).ToList()[0],
            ConstraintReader.Read(root), engine);
        // Choice i belongs to prompt i / n.
        string Echo(int index) => echo ? model.Tokenizer.Decode(prompts[index / settings.N]) : "";
        await GenerationResponder.RespondAsync(context, engine, "cmpl", prompts, settings, sampling,
            (id, created, index, text, finish, first, logprobs) =>
            [
                new
                {
                    id, @object = "text_completion", created, model = settings.Model,
                    choices = new[]
                    {
                        new { index, text = first ? Echo(index) : text, logprobs = LogprobsFormatter.Completion(logprobs, model.Tokenizer, 0), finish_reason = finish },
                    },
                },
            ],
            (index, text, finish, logprobs) => new
            {
                index, text = Echo(index) + text, logprobs = LogprobsFormatter.Completion(logprobs, model.Tokenizer, Echo(index).Length),
                finish_reason = finish,
            },
            (id, created, choices, usage) => new { id, @object = "text_completion", created, model = settings.Model, choices, usage },
            "text_completion");
    });

    /// <summary>A string, an array of strings (a batch), an array of token ids, or an array of token-id arrays.</summary>
    private static List<IReadOnlyList<int>> ReadPrompts(JsonElement root, ITokenizer tokenizer)
    {
        if (JsonFields.IsAbsent(root, "prompt", out var prompt))
        {
            throw new RequestValidationException("prompt", "'prompt' is required.");
        }
        if (prompt.ValueKind == JsonValueKind.String)
        {
            return [tokenizer.Encode(prompt.GetString()!, addSpecial: true)];
        }
        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0)
        {
            var items = prompt.EnumerateArray().ToList();
            if (items.All(i => IsTokenId(i, tokenizer)))
            {
                return [items.Select(i => i.GetInt32()).ToList()];   // one prompt of token ids, however long
            }
            var batch = items.Count <= MaxBatch;
            if (batch && items.All(i => i.ValueKind == JsonValueKind.String))
            {
                return items.Select(i => tokenizer.Encode(i.GetString()!, addSpecial: true)).ToList();
            }
            if (batch && items.All(i => i.ValueKind == JsonValueKind.Array && i.GetArrayLength() > 0 && i.EnumerateArray().All(t => IsTokenId(t, tokenizer))))
            {
                return items.Select(i => (IReadOnlyList<int>)i.EnumerateArray().Select(t => t.GetInt32()).ToList()).ToList();
            }
        }
        throw new RequestValidationException("prompt",
            $"'prompt' must be a string, an array of at most {MaxBatch} strings, or token ids within the vocabulary.");
    }

    private const int MaxBatch = 64;

    private static bool IsTokenId(JsonElement e, ITokenizer tokenizer) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var t) && t >= 0 && t < tokenizer.VocabSize;
}
