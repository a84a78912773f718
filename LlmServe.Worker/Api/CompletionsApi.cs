using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Engine.Sampling;
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
        var read = ReadPrompts(root, model.Tokenizer);
        var prompts = read.Select(p => settings.Truncate(p.Tokens)).ToList();
        var echo = JsonFields.OptionalBool(root, "echo", false);
        if (settings.MaxTokens == 0 && !echo)
        {
            throw new RequestValidationException("max_tokens", "'max_tokens' must be at least 1; 0 is accepted only with 'echo': true, to score the prompt.");
        }
        // Echo with logprobs scores the prompt too (OpenAI's idiom, what lm-eval sends), so the engine computes the
        // prompt's log-probabilities, with as many alternatives as either field asks for.
        var echoTop = echo ? settings.Sampling.Logprobs : null;
        var promptTop = settings.Sampling.PromptLogprobs;
        var limited = settings with
        {
            MaxTokens = settings.MaxTokens ?? 16,   // OpenAI's completions default
            Sampling = settings.Sampling with { PromptLogprobs = echoTop is null ? promptTop : Math.Max(echoTop.Value, promptTop ?? 0) },
        };
        var sampling = ConstraintReader.Apply(
            prompts.Select(p => RequestPipeline.Limit(limited, p.Count, model.MaxModelLen, "prompt")).ToList()[0],
            ConstraintReader.Read(root), engine);
        // Choice i belongs to prompt i / n. A text prompt echoes as sent (as vLLM does), token ids and truncated prompts
        // as a whole-text decode gives them.
        string Echo(int index) => !echo ? ""
            : read[index / settings.N] is { Text: { } sent } original && prompts[index / settings.N].Count == original.Tokens.Count ? sent
            : model.Tokenizer.DecodeText(prompts[index / settings.N]);
        EchoedPrompt? Echoed(int index, IReadOnlyList<TokenLogprobs?>? found) =>
            echoTop is int top && found is not null ? new EchoedPrompt(prompts[index / settings.N], found, top) : null;
        await GenerationResponder.RespondAsync(context, engine, "cmpl", prompts, settings, sampling,
            (id, created, index, text, finish, first, logprobs, found) =>
            {
                if (first && echoTop is not null)
                {
                    return [];   // the echo goes out with its log-probabilities, which come with the first event
                }
                var echoed = Echoed(index, found);
                var head = first || echoed is not null ? Echo(index) : "";
                return
                [
                    new
                    {
                        id, @object = "text_completion", created, model = settings.Model,
                        choices = new[]
                        {
                            new { index, text = head + text, logprobs = LogprobsFormatter.Completion(logprobs, model.Tokenizer, head.Length, echoed), finish_reason = finish },
                        },
                    },
                ];
            },
            (index, text, finish, logprobs, found) => new
            {
                index, text = Echo(index) + text,
                logprobs = LogprobsFormatter.Completion(logprobs, model.Tokenizer, Echo(index).Length, Echoed(index, found)),
                finish_reason = finish,
                prompt_logprobs = promptTop is int top && found is not null ? LogprobsFormatter.Prompt(found, model.Tokenizer, top) : null,
            },
            (id, created, choices, usage, _) => new { id, @object = "text_completion", created, model = settings.Model, choices, usage },
            "text_completion");
    });

    /// <summary>
    /// A string, an array of strings (a batch), an array of token ids, or an array of token-id arrays: each prompt's
    /// tokens, and its text when it was sent as text.
    /// </summary>
    private static List<(IReadOnlyList<int> Tokens, string? Text)> ReadPrompts(JsonElement root, ITokenizer tokenizer)
    {
        if (JsonFields.IsAbsent(root, "prompt", out var prompt))
        {
            throw new RequestValidationException("prompt", "'prompt' is required.");
        }
        if (prompt.ValueKind == JsonValueKind.String)
        {
            return [Text(prompt.GetString()!, tokenizer)];
        }
        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0)
        {
            var items = prompt.EnumerateArray().ToList();
            if (items.All(i => IsTokenId(i, tokenizer)))
            {
                return [(items.Select(i => i.GetInt32()).ToList(), null)];   // one prompt of token ids, however long
            }
            var batch = items.Count <= MaxBatch;
            if (batch && items.All(i => i.ValueKind == JsonValueKind.String))
            {
                return items.Select(i => Text(i.GetString()!, tokenizer)).ToList();
            }
            if (batch && items.All(i => i.ValueKind == JsonValueKind.Array && i.GetArrayLength() > 0 && i.EnumerateArray().All(t => IsTokenId(t, tokenizer))))
            {
                return items.Select(i => ((IReadOnlyList<int>)i.EnumerateArray().Select(t => t.GetInt32()).ToList(), (string?)null)).ToList();
            }
        }
        throw new RequestValidationException("prompt",
            $"'prompt' must be a string, an array of at most {MaxBatch} strings, or token ids within the vocabulary.");
    }

    private static (IReadOnlyList<int> Tokens, string? Text) Text(string text, ITokenizer tokenizer) => (tokenizer.Encode(text, addSpecial: true), text);

    private const int MaxBatch = 64;

    private static bool IsTokenId(JsonElement e, ITokenizer tokenizer) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var t) && t >= 0 && t < tokenizer.VocabSize;
}
