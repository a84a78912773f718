using System.Buffers.Binary;
using System.Text.Json;
using LlmServe.ServiceDefaults.OpenAi;
using LlmServe.Worker.Engine.Embedding;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary>
/// <c>POST /v1/embeddings</c>, OpenAI-compatible: <c>input</c> as text or token ids, <c>encoding_format</c>
/// "float" (default) or "base64" (little-endian float32 bytes; what OpenAI SDKs request by default), and
/// <c>dimensions</c> accepted only when it equals the model's.
/// </summary>
internal static class EmbeddingsApi
{
    public static IEndpointRouteBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/embeddings", (HttpContext context, ModelHost host) => HandleAsync(context, host, EmbedAsync));
        return app;
    }

    /// <summary>Answers a request for the loaded embedding model's <paramref name="respond"/>, once validated.</summary>
    internal delegate Task Responder(HttpContext context, JsonElement root, string model, EmbeddingRunner runner);

    /// <summary>
    /// The frame every embedding-model endpoint shares: an embedding model must be loaded, the body must be JSON naming
    /// it, and validation failures become OpenAI-shaped 400s naming the parameter.
    /// </summary>
    internal static async Task HandleAsync(HttpContext context, ModelHost host, Responder respond)
    {
        if (CheckReady(host, out var runner) is { } notReady)
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
            var model = JsonFields.RequiredString(doc.RootElement, "model");
            if (model != host.ServedModelName)
            {
                await OpenAiError.ModelNotFound(model, [host.ServedModelName]).ExecuteAsync(context);
                return;
            }
            await respond(context, doc.RootElement, model, runner);
        }
        catch (RequestValidationException ex)
        {
            await OpenAiError.BadRequest(ex.Message, ex.Param, ex.Code).ExecuteAsync(context);
        }
    }

    private static async Task EmbedAsync(HttpContext context, JsonElement root, string model, EmbeddingRunner runner)
    {
        var base64 = ReadEncodingFormat(root);
        CheckDimensions(root, runner.Dimensions);
        var sequences = EmbeddingInput.Parse(root, runner.Tokenizer, runner.VocabSize);
        CheckContextLength(sequences, runner, "input");
        var vectors = await runner.EmbedAsync(sequences, context.RequestAborted);
        var tokens = sequences.Sum(s => s.Count);
        await context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = vectors.Select((v, i) => new { @object = "embedding", index = i, embedding = base64 ? (object)ToBase64(v) : v }),
            model,
            usage = new { prompt_tokens = tokens, total_tokens = tokens },
        }, context.RequestAborted);
    }

    /// <summary>Rejects a sequence longer than the model's context, with vLLM's wording and status.</summary>
    internal static void CheckContextLength(IReadOnlyList<IReadOnlyList<int>> sequences, EmbeddingRunner runner, string param)
    {
        var longest = sequences.Max(s => s.Count);
        if (longest > runner.MaxModelLen)
        {
            throw new RequestValidationException(param,
                $"This model's maximum context length is {runner.MaxModelLen} tokens. However, you requested {longest} tokens " +
                "in the input for embedding generation. Please reduce the length of the input.",
                RequestValidationException.ContextLengthExceeded);
        }
    }

    /// <summary>Null when an embedding model is loaded (then <paramref name="runner"/> is it), else the error to answer.</summary>
    private static IResult? CheckReady(ModelHost host, out EmbeddingRunner runner)
    {
        runner = host.Embedder!; // checked right below
        return host.Embedder is not null ? null
            : host.Engine is not null ? OpenAiError.BadRequest(
                $"The model `{host.ServedModelName}` is a generative model: this model does not support embeddings.", "model")
            : RequestPipeline.NotLoaded(host);
    }

    private static bool ReadEncodingFormat(JsonElement root)
    {
        if (JsonFields.IsAbsent(root, "encoding_format", out var format))
        {
            return false;
        }
        return format.ValueKind == JsonValueKind.String && format.GetString() is "float" or "base64"
            ? format.GetString() == "base64"
            : throw new RequestValidationException("encoding_format", "'encoding_format' must be \"float\" or \"base64\".");
    }

    private static void CheckDimensions(JsonElement root, int dimensions)
    {
        var requested = JsonFields.OptionalInt(root, "dimensions", 1);
        if (requested is not null && requested != dimensions)
        {
            throw new RequestValidationException("dimensions",
                $"This model does not support shortened embeddings ('dimensions'): it produces {dimensions} dimensions, {requested} were requested.");
        }
    }

    /// <summary>The vector as little-endian float32 bytes, base64-encoded (what OpenAI clients decode).</summary>
    private static string ToBase64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }
        return Convert.ToBase64String(bytes);
    }
}
