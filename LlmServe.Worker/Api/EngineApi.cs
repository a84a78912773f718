using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Chat.ToolCalling;
using LlmServe.Worker.Engine;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Api;

/// <summary>
/// vLLM's operational endpoints: <c>/metrics</c> (vllm:* Prometheus names), <c>/load</c> (a compact view for
/// routers and autoscalers), <c>/tokenize</c> and <c>/detokenize</c>.
/// </summary>
internal static class EngineApi
{
    public static IEndpointRouteBuilder MapEngineApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (WorkerMetrics metrics) => Results.Text(metrics.RenderPrometheus(), "text/plain; version=0.0.4"));
        app.MapGet("/load", (ModelHost host) => host.Engine is { } engine
            ? Results.Ok(new
            {
                running = engine.Load.Running,
                waiting = engine.Load.Waiting,
                kv_cache_usage = engine.Load.KvCacheUsage,
                num_blocks = engine.NumBlocks,
            })
            : OpenAiError.Create(503, "The model is still loading.", OpenAiError.Unavailable));
        app.MapPost("/tokenize", TokenizeAsync);
        app.MapPost("/detokenize", DetokenizeAsync);
        return app;
    }

    /// <summary>
    /// A completion's <c>prompt</c>, or, as vLLM also takes, a chat's <c>messages</c> (with its <c>tools</c>,
    /// <c>add_generation_prompt</c>, <c>continue_final_message</c> and <c>chat_template_kwargs</c>): the tokens the
    /// matching generation endpoint would feed the model, so a client can count a chat prompt before sending it.
    /// </summary>
    private static Task TokenizeAsync(HttpContext context, ModelHost host) =>
        RequestPipeline.HandleAsync(context, host, async (root, engine) =>
    {
        var tokens = root.TryGetProperty("messages", out _)
            ? ChatRequestPrompt.Tokens(root, ToolRequest.Parse(root), engine.Model)
            : engine.Model.Tokenizer.Encode(JsonFields.RequiredString(root, "prompt"), JsonFields.OptionalBool(root, "add_special_tokens", true));
        await context.Response.WriteAsJsonAsync(new { count = tokens.Count, max_model_len = engine.Model.MaxModelLen, tokens });
    });

    private static Task DetokenizeAsync(HttpContext context, ModelHost host) =>
        RequestPipeline.HandleAsync(context, host, async (root, engine) =>
    {
        var vocab = engine.Model.Tokenizer.VocabSize;
        if (!root.TryGetProperty("tokens", out var t) || t.ValueKind != JsonValueKind.Array
            || !t.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var id) && id >= 0 && id < vocab))
        {
            await OpenAiError.BadRequest("'tokens' must be an array of token ids within the vocabulary.", "tokens").ExecuteAsync(context);
            return;
        }
        var text = engine.Model.Tokenizer.DecodeText(t.EnumerateArray().Select(e => e.GetInt32()));
        await context.Response.WriteAsJsonAsync(new { prompt = text });
    });
}
