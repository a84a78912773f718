using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LlmServe.Rag.Generation;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Embeddings;

/// <summary>
/// Embeddings through the gateway's OpenAI API (<c>POST v1/embeddings</c>), in batches of
/// <see cref="RagOptions.EmbeddingBatchSize"/> inputs per request. Each batch is one <c>rag.embed</c> span.
/// </summary>
internal sealed class GatewayEmbeddingClient(HttpClient http, RagTelemetry telemetry, IOptions<RagOptions> options)
{
    private const string EmbeddingsPath = "v1/embeddings";

    /// <summary>One vector per input, in input order.</summary>
    public async Task<IReadOnlyList<float[]>> EmbedAsync(string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        List<float[]> vectors = new(inputs.Count);
        foreach (var batch in inputs.Chunk(Math.Max(1, options.Value.EmbeddingBatchSize)))
        {
            vectors.AddRange(await EmbedBatchAsync(model, batch, cancellationToken));
        }
        return vectors;
    }

    private async Task<float[][]> EmbedBatchAsync(string model, string[] batch, CancellationToken cancellationToken)
    {
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.embed");
        activity?.SetTag("gen_ai.operation.name", "embeddings");
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("rag.inputs", batch.Length);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.GenerationTimeout);
        try
        {
            // encoding_format is explicit: OpenAI clients default to base64, and a server may too.
            using var response = await http.PostAsJsonAsync(EmbeddingsPath,
                new { model, input = batch, encoding_format = "float" }, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                throw new GatewayException(GatewayChatClient.UpstreamMessage(body, response.ReasonPhrase), (int)response.StatusCode);
            }
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
            var vectors = new float[batch.Length][];
            foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
            {
                var index = item.GetProperty("index").GetInt32();
                vectors[index] = [.. item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())];
            }
            if (vectors.Any(v => v is null))
            {
                throw new GatewayException($"The gateway returned fewer embeddings than the {batch.Length} inputs.");
            }
            return vectors;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = "error";
            throw Failed(activity, new GatewayException(
                $"The gateway did not return embeddings within {options.Value.GenerationTimeout.TotalSeconds:F0} s.", null, ex));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            outcome = "error";
            throw Failed(activity, new GatewayException($"The embeddings call failed: {ex.Message}", null, ex));
        }
        catch (GatewayException ex)
        {
            outcome = "error";
            throw Failed(activity, ex);
        }
        finally
        {
            telemetry.EmbedDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static GatewayException Failed(Activity? activity, GatewayException exception)
    {
        activity?.AddException(exception).SetStatus(ActivityStatusCode.Error, exception.Message);
        return exception;
    }
}
