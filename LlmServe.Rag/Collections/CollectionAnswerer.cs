using System.Diagnostics;
using LlmServe.Rag.Generation;
using LlmServe.Rag.Retrieval;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Collections;

/// <summary>Answers a question from a collection: retrieve, build the numbered-source prompt, generate (whole or streamed).</summary>
internal sealed class CollectionAnswerer(
    CollectionService collections,
    GatewayChatClient chat,
    IHttpClientFactory httpClients,
    RagTelemetry telemetry,
    IOptions<RagOptions> options)
{
    public async Task<RagAnswer> AnswerAsync(CollectionQuery query, CancellationToken cancellationToken)
    {
        var (sources, request) = await PrepareAsync(query, cancellationToken);
        using var activity = StartGenerate(request);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var completion = await chat.CompleteAsync(request, cancellationToken);
            return new RagAnswer(completion.Content, completion.Model, sources, completion.Usage);
        }
        catch (GatewayException ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            telemetry.GenerateDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The sources, the model and the answer's text deltas; the gateway call has started when this returns.</summary>
    public async Task<(IReadOnlyList<RetrievedChunk> Sources, string Model, IAsyncEnumerable<string> Deltas)> StreamAsync(
        CollectionQuery query, CancellationToken cancellationToken)
    {
        var (sources, request) = await PrepareAsync(query, cancellationToken);
        var deltas = await GatewayChatStream.OpenAsync(httpClients.CreateClient(nameof(GatewayChatClient)), request, cancellationToken);
        return (sources, request.Model, Timed(request, deltas, cancellationToken));
    }

    private async IAsyncEnumerable<string> Timed(
        ChatCompletionRequest request, IAsyncEnumerable<string> deltas, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = StartGenerate(request);
        activity?.SetTag("rag.stream", true);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var delta in deltas.WithCancellation(cancellationToken))
            {
                yield return delta;
            }
        }
        finally
        {
            telemetry.GenerateDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<(IReadOnlyList<RetrievedChunk> Sources, ChatCompletionRequest Request)> PrepareAsync(
        CollectionQuery query, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sources = await collections.RetrieveAsync(
            query.Collection, query.Question, query.TopK ?? settings.TopK, query.Filter, query.Hybrid, cancellationToken);
        var request = new ChatCompletionRequest(query.Model ?? settings.Model, PromptBuilder.Build(query.Question, sources),
            query.MaxTokens ?? settings.MaxTokens);
        return (sources, request);
    }

    private static Activity? StartGenerate(ChatCompletionRequest request)
    {
        var activity = RagTelemetry.ActivitySource.StartActivity("rag.generate");
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("gen_ai.request.model", request.Model);
        activity?.SetTag("gen_ai.request.max_tokens", request.MaxTokens);
        return activity;
    }
}
