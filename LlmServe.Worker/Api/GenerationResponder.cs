using System.Text.Json;
using System.Threading.Channels;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Engine.Sampling;
using Microsoft.AspNetCore.Http.Features;

namespace LlmServe.Worker.Api;

/// <summary>
/// Submits a validated request to the engine, one engine request per choice (n choices per prompt), and writes the
/// OpenAI response: one JSON body, or server-sent events ending in <c>data: [DONE]</c>. The HTTP request's abort
/// token cancels every engine request, which frees their KV blocks at the next step.
/// </summary>
internal static class GenerationResponder
{
    /// <summary>
    /// The streamed chunks for one event of choice <paramref name="index"/> (usually one; none or several when the
    /// caller reshapes the text, as tool calls do); the flavour (chat or completion) is the caller's. The choice's first
    /// event from the engine carries <paramref name="promptLogprobs"/> when the request asked for them.
    /// </summary>
    internal delegate IEnumerable<object> ChunkFactory(string id, long created, int index, string text, string? finishReason, bool first,
        IReadOnlyList<TokenLogprobs> logprobs, IReadOnlyList<TokenLogprobs?>? promptLogprobs);

    /// <summary>One finished choice of a non-streaming body.</summary>
    internal delegate object ChoiceFactory(int index, string text, string finishReason, IReadOnlyList<TokenLogprobs> logprobs,
        IReadOnlyList<TokenLogprobs?>? promptLogprobs);

    /// <summary>The final non-streaming body; <paramref name="promptLogprobs"/> are the first choice's, when asked for.</summary>
    internal delegate object BodyFactory(string id, long created, object[] choices, object usage, IReadOnlyList<TokenLogprobs?>? promptLogprobs);

    public static async Task RespondAsync(HttpContext context, InferenceEngine engine, string idPrefix,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationSettings settings, SamplingParams sampling,
        ChunkFactory chunk, ChoiceFactory choice, BodyFactory body, string usageObject)
    {
        // The engine requests live no longer than the response: when it ends early (a choice failed, the stream broke)
        // the other choices stop and free their blocks instead of running on to max_tokens for nobody.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            await RespondAsync(context, engine, idPrefix, prompts, settings, sampling, chunk, choice, body, usageObject, lifetime.Token);
        }
        finally
        {
            await lifetime.CancelAsync();
        }
    }

    private static async Task RespondAsync(HttpContext context, InferenceEngine engine, string idPrefix,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationSettings settings, SamplingParams sampling,
        ChunkFactory chunk, ChoiceFactory choice, BodyFactory body, string usageObject, CancellationToken lifetime)
    {
        var id = $"{idPrefix}-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var requests = new List<GenerationRequest>();
        foreach (var prompt in prompts)
        {
            for (var i = 0; i < settings.N; i++)
            {
                // Parallel samples of one seeded request differ from each other but stay reproducible.
                var s = sampling.Seed is long seed ? sampling with { Seed = seed + i } : sampling;
                requests.Add(engine.Submit($"{id}-{requests.Count}", prompt, s, lifetime, settings.Priority));
            }
        }
        var promptTokens = prompts.Sum(p => p.Count);

        if (!settings.Stream)
        {
            var results = await Task.WhenAll(requests.Select(r => CollectAsync(r, context.RequestAborted)));
            var choices = results.Select((r, i) => choice(i, r.Text, (r.Last.Finish ?? FinishReason.Abort).ToWire(), r.Logprobs, r.PromptLogprobs)).ToArray();
            await context.Response.WriteAsJsonAsync(body(id, created, choices, Usage(promptTokens, results.Sum(r => r.Last.CompletionTokens)),
                results[0].PromptLogprobs));
            return;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // Per choice: its prompt's length and the tokens generated so far (for continuous usage).
        int PromptOf(int choiceIndex) => prompts[choiceIndex / settings.N].Count;
        var generated = new int[requests.Count];
        object? UsageSoFar(int choiceIndex) => settings.ContinuousUsage ? Usage(PromptOf(choiceIndex), generated[choiceIndex]) : null;
        for (var i = 0; i < requests.Count; i++)
        {
            foreach (var first in chunk(id, created, i, "", null, true, [], null))
            {
                await WriteEventAsync(context, first, UsageSoFar(i));
            }
        }
        var completionTokens = 0;
        await foreach (var (index, e) in MergeAsync(requests, context.RequestAborted))
        {
            generated[index] = e.CompletionTokens;
            if (e.Finish is not null)
            {
                completionTokens += e.CompletionTokens;
            }
            if (e.Text.Length > 0 || e.Finish is not null || e.Logprobs is not null || e.PromptLogprobs is not null)
            {
                IReadOnlyList<TokenLogprobs> logprobs = e.Logprobs is { } lp ? [lp] : [];
                foreach (var c in chunk(id, created, index, e.Text, e.Finish?.ToWire(), false, logprobs, e.PromptLogprobs))
                {
                    await WriteEventAsync(context, c, UsageSoFar(index));
                }
            }
        }
        if (settings.IncludeUsage)
        {
            await WriteEventAsync(context, new Dictionary<string, object?>
            {
                ["id"] = id, ["object"] = usageObject, ["created"] = created, ["model"] = settings.Model,
                ["choices"] = Array.Empty<object>(), ["usage"] = Usage(promptTokens, completionTokens),
            });
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task<(string Text, GenerationEvent Last, List<TokenLogprobs> Logprobs, IReadOnlyList<TokenLogprobs?>? PromptLogprobs)> CollectAsync(
        GenerationRequest request, CancellationToken ct)
    {
        var text = new System.Text.StringBuilder();
        var logprobs = new List<TokenLogprobs>();
        IReadOnlyList<TokenLogprobs?>? promptLogprobs = null;
        GenerationEvent last = default;
        await foreach (var e in request.Output.Reader.ReadAllAsync(ct))
        {
            text.Append(e.Text);
            if (e.Logprobs is { } lp)
            {
                logprobs.Add(lp);
            }
            promptLogprobs ??= e.PromptLogprobs;
            last = e;
        }
        return (text.ToString(), last, logprobs, promptLogprobs);
    }

    /// <summary>Events of every choice in arrival order, tagged with the choice index.</summary>
    private static async IAsyncEnumerable<(int Index, GenerationEvent Event)> MergeAsync(List<GenerationRequest> requests,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (requests.Count == 1)
        {
            await foreach (var e in requests[0].Output.Reader.ReadAllAsync(ct))
            {
                yield return (0, e);
            }
            yield break;
        }
        var merged = Channel.CreateUnbounded<(int, GenerationEvent)>();
        var pumps = requests.Select(async (r, i) =>
        {
            await foreach (var e in r.Output.Reader.ReadAllAsync(ct))
            {
                merged.Writer.TryWrite((i, e));
            }
        }).ToArray();
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(ct))
        {
            yield return item;
        }
    }

    private static object Usage(int promptTokens, int completionTokens) => new
    {
        prompt_tokens = promptTokens,
        completion_tokens = completionTokens,
        total_tokens = promptTokens + completionTokens,
    };

    /// <param name="usage">Added to the chunk as its <c>usage</c> field when not null (continuous usage).</param>
    private static async Task WriteEventAsync(HttpContext context, object payload, object? usage = null)
    {
        string json;
        if (usage is null)
        {
            json = JsonSerializer.Serialize(payload);
        }
        else
        {
            var node = JsonSerializer.SerializeToNode(payload)!.AsObject();
            node["usage"] = JsonSerializer.SerializeToNode(usage);
            json = node.ToJsonString();
        }
        await context.Response.WriteAsync($"data: {json}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
