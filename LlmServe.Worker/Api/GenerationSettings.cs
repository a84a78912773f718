using System.Text.Json;
using LlmServe.Worker.Engine;

namespace LlmServe.Worker.Api;

/// <summary>The request fields shared by completions and chat completions, parsed and validated.</summary>
internal sealed record GenerationSettings(string Model, bool Stream, bool IncludeUsage, int? MaxTokens, SamplingParams Sampling, int Priority = 0)
{
    public static GenerationSettings Parse(JsonElement root, bool chat)
    {
        var model = JsonFields.RequiredString(root, "model");
        var n = JsonFields.OptionalInt(root, "n", 1, 128) ?? 1;
        if (n != 1)
        {
            throw new RequestValidationException("n", "Only n = 1 is supported by this replica.");
        }
        var maxTokens = (chat ? JsonFields.OptionalInt(root, "max_completion_tokens", 1) : null)
            ?? JsonFields.OptionalInt(root, "max_tokens", 1);
        var includeUsage = false;
        if (!JsonFields.IsAbsent(root, "stream_options", out var streamOptions))
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException("stream_options", "'stream_options' must be an object.");
            }
            includeUsage = JsonFields.OptionalBool(streamOptions, "include_usage", false);
        }
        var sampling = new SamplingParams
        {
            Temperature = JsonFields.OptionalNumber(root, "temperature", 0, 2) ?? 1.0,
            TopP = JsonFields.OptionalNumber(root, "top_p", double.Epsilon, 1) ?? 1.0,
            TopK = JsonFields.OptionalInt(root, "top_k", -1) ?? 0,
            Seed = JsonFields.OptionalLong(root, "seed"),
            Stop = JsonFields.StringOrStrings(root, "stop", 8),
            StopTokenIds = JsonFields.OptionalIntArray(root, "stop_token_ids"),
            IgnoreEos = JsonFields.OptionalBool(root, "ignore_eos", false),
        };
        return new GenerationSettings(model, JsonFields.OptionalBool(root, "stream", false), includeUsage, maxTokens, sampling,
            JsonFields.OptionalInt(root, "priority", int.MinValue) ?? 0);
    }
}
