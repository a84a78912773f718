using System.Text.Json;
using LlmServe.Worker.Engine.Embedding;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Api;

/// <summary>
/// vLLM's scoring APIs for embedding (bi-encoder) models, where a score is the cosine similarity of two texts'
/// embeddings: <c>/score</c> and <c>/v1/score</c> (<c>text_1</c> against <c>text_2</c>, as 1:1, 1:N or N:N pairs) and
/// the Jina/Cohere-style <c>/rerank</c>, <c>/v1/rerank</c> and <c>/v2/rerank</c> (a <c>query</c> against
/// <c>documents</c>, best first, the first <c>top_n</c>): what a RAG pipeline's second stage calls.
/// </summary>
internal static class ScoreApi
{
    public static IEndpointRouteBuilder MapScoreApi(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/score", "/v1/score" })
        {
            app.MapPost(path, (HttpContext context, ModelHost host) => EmbeddingsApi.HandleAsync(context, host, ScoreAsync));
        }
        foreach (var path in new[] { "/rerank", "/v1/rerank", "/v2/rerank" })
        {
            app.MapPost(path, (HttpContext context, ModelHost host) => EmbeddingsApi.HandleAsync(context, host, RerankAsync));
        }
        return app;
    }

    private static async Task ScoreAsync(HttpContext context, JsonElement root, string model, EmbeddingRunner runner)
    {
        var left = Texts(root, "text_1");
        var right = Texts(root, "text_2");
        if (left.Count != 1 && left.Count != right.Count)
        {
            throw new RequestValidationException("text_2",
                $"'text_1' and 'text_2' must pair 1:1, 1:N or N:N; got {left.Count} and {right.Count} texts.");
        }
        var (vectors, tokens) = await EmbedAsync(runner, [.. left, .. right], "text_1", context.RequestAborted);
        var scores = right.Select((_, j) => Cosine(vectors[left.Count == 1 ? 0 : j], vectors[left.Count + j]));
        await context.Response.WriteAsJsonAsync(new
        {
            id = $"score-{Guid.NewGuid():N}",
            @object = "list",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model,
            data = scores.Select((score, index) => new { index, @object = "score", score }),
            usage = new { prompt_tokens = tokens, total_tokens = tokens },
        }, context.RequestAborted);
    }

    private static async Task RerankAsync(HttpContext context, JsonElement root, string model, EmbeddingRunner runner)
    {
        var query = JsonFields.RequiredString(root, "query");
        if (query.Length == 0)
        {
            throw new RequestValidationException("query", "'query' must not be empty.");
        }
        var documents = Documents(root);
        var topN = JsonFields.OptionalInt(root, "top_n", 0) is int n and > 0 ? Math.Min(n, documents.Count) : documents.Count;
        var (vectors, tokens) = await EmbedAsync(runner, [query, .. documents], "documents", context.RequestAborted);
        var results = documents
            .Select((text, index) => new { index, document = new { text }, relevance_score = Cosine(vectors[0], vectors[index + 1]) })
            .OrderByDescending(r => r.relevance_score)
            .ThenBy(r => r.index)
            .Take(topN);
        await context.Response.WriteAsJsonAsync(new
        {
            id = $"rerank-{Guid.NewGuid():N}",
            model,
            usage = new { total_tokens = tokens },
            results,
        }, context.RequestAborted);
    }

    /// <summary>A string, or a non-empty array of strings.</summary>
    private static List<string> Texts(JsonElement root, string field)
    {
        if (JsonFields.IsAbsent(root, field, out var value))
        {
            throw new RequestValidationException(field, $"'{field}' is required.");
        }
        List<string> texts = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.GetArrayLength() > 0 && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                [.. value.EnumerateArray().Select(v => v.GetString()!)],
            _ => throw new RequestValidationException(field, $"'{field}' must be a string or a non-empty array of strings."),
        };
        return texts.Count <= EmbeddingInput.MaxInputs && texts.All(t => t.Length > 0) ? texts
            : throw new RequestValidationException(field, $"'{field}' must hold 1 to {EmbeddingInput.MaxInputs} non-empty texts.");
    }

    /// <summary>Rerank's documents: strings, or objects with a <c>text</c> (Cohere's v2 shape).</summary>
    private static List<string> Documents(JsonElement root)
    {
        if (JsonFields.IsAbsent(root, "documents", out var value) || value.ValueKind != JsonValueKind.Array
            || value.GetArrayLength() is 0 or > EmbeddingInput.MaxInputs)
        {
            throw new RequestValidationException("documents", $"'documents' must be an array of 1 to {EmbeddingInput.MaxInputs} texts.");
        }
        return [.. value.EnumerateArray().Select(d => d.ValueKind switch
        {
            JsonValueKind.String when d.GetString() is { Length: > 0 } text => text,
            JsonValueKind.Object when d.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String
                && t.GetString() is { Length: > 0 } text => text,
            _ => throw new RequestValidationException("documents", "Each document must be a non-empty string or an object with a non-empty 'text'."),
        })];
    }

    /// <summary>One embedding per text (tokenized with the model's special tokens) and the tokens they took.</summary>
    private static async Task<(float[][] Vectors, int Tokens)> EmbedAsync(EmbeddingRunner runner, IReadOnlyList<string> texts, string param,
        CancellationToken cancellationToken)
    {
        var tokenizer = runner.Tokenizer
            ?? throw new RequestValidationException(param, "This replica has no text tokenizer for this model, so it cannot score text.");
        List<IReadOnlyList<int>> sequences = [.. texts.Select(t => tokenizer.Encode(t, addSpecial: true))];
        EmbeddingsApi.CheckContextLength(sequences, runner, param);
        return (await runner.EmbedAsync(sequences, cancellationToken), sequences.Sum(s => s.Count));
    }

    /// <summary>a·b / (|a| |b|); 0 when either vector is zero.</summary>
    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.Sqrt(aa * bb);
    }
}
