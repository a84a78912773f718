using System.Diagnostics;
using LlmServe.Rag.Retrieval;
using Microsoft.Extensions.Options;

namespace LlmServe.Rag.Generation;

/// <summary>The query path: retrieve the top-k chunks, build a prompt with numbered sources, ask the gateway.</summary>
internal sealed class RagAnswerer(
    IRetriever retriever,
    GatewayChatClient chat,
    RagTelemetry telemetry,
    IOptions<RagOptions> options)
{
    public async Task<RagAnswer> AnswerAsync(RagQuery query, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var topK = query.TopK ?? settings.TopK;
        var model = query.Model ?? settings.Model;

        var sources = await RetrieveAsync(query.Question, topK, cancellationToken);
        var request = new ChatCompletionRequest(model, PromptBuilder.Build(query.Question, sources),
            query.MaxTokens ?? settings.MaxTokens);
        var completion = await GenerateAsync(request, cancellationToken);
        return new RagAnswer(completion.Content, completion.Model, sources, completion.Usage);
    }

    private async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string question, int topK, CancellationToken cancellationToken)
    {
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.retrieve");
        activity?.SetTag("rag.top_k", topK);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var sources = await retriever.RetrieveAsync(question, topK, cancellationToken);
            activity?.SetTag("rag.sources", sources.Count);
            return sources;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            telemetry.RetrieveDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<ChatCompletionResult> GenerateAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        // Attribute names follow the OpenTelemetry GenAI conventions so dashboards line up with Semantic Kernel's spans.
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag.generate");
        activity?.SetTag("gen_ai.operation.name", "chat");
        activity?.SetTag("gen_ai.request.model", request.Model);
        activity?.SetTag("gen_ai.request.max_tokens", request.MaxTokens);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            var completion = await chat.CompleteAsync(request, cancellationToken);
            activity?.SetTag("gen_ai.response.model", completion.Model);
            return completion;
        }
        catch (Exception ex)
        {
            outcome = "error";
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            telemetry.GenerateDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
