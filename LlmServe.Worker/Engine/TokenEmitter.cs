using System.Diagnostics;
using LlmServe.Worker.Model;

namespace LlmServe.Worker.Engine;

/// <summary>
/// Turns a request's newly sampled token into output: stop checks (EOS, stop token ids, stop strings, length),
/// incremental text, the event on the request's channel, and per-token latency metrics.
/// </summary>
internal sealed class TokenEmitter(LoadedModel model, WorkerMetrics metrics)
{
    /// <summary>Appends <paramref name="token"/>, writes its event and returns true when the request finished.</summary>
    public bool Emit(EngineRequest request, int token, Sampling.TokenLogprobs? logprobs = null)
    {
        request.AppendOutput(token);
        var now = Stopwatch.GetTimestamp();
        var first = request.FirstTokenTimestamp is null;
        metrics.RecordToken(first, Stopwatch.GetElapsedTime(first ? request.Source.EnqueuedAt : request.LastTokenTimestamp, now));
        request.FirstTokenTimestamp ??= now;
        request.LastTokenTimestamp = now;

        var sampling = request.Sampling;
        var generated = request.Output.Count;
        string text;
        FinishReason? finish = null;
        var isEos = !sampling.IgnoreEos && model.EosTokenIds.Contains(token);
        if (isEos || sampling.StopTokenIds.Contains(token))
        {
            finish = FinishReason.Stop;
            text = Flush(request, ref finish);
        }
        else
        {
            var (emit, stopped) = request.Stops.Push(request.Detokenizer.Push(token));
            text = emit;
            finish = stopped ? FinishReason.Stop : null;
        }
        if (finish is null && (generated >= sampling.MaxTokens || request.NumTokens >= model.MaxModelLen))
        {
            finish = FinishReason.Length;
            text += Flush(request, ref finish);
        }
        var writer = request.Source.Output.Writer;
        // The prompt's log-probabilities ride on the request's first event only.
        writer.TryWrite(new GenerationEvent(text, token, finish, request.Prompt.Length, generated, logprobs, first ? request.PromptLogprobs : null));
        if (finish is null)
        {
            return false;
        }
        writer.TryComplete();
        metrics.RecordRequest(request.Prompt.Length, generated, finish.Value, Stopwatch.GetElapsedTime(request.Source.EnqueuedAt));
        return true;
    }

    /// <summary>
    /// Ends a request that may not continue, releasing held-back text: its constraint is complete (stop), or it asked
    /// for no tokens at all (length: <c>max_tokens: 0</c> with <c>echo</c>, to score a prompt).
    /// </summary>
    public void Complete(EngineRequest request, FinishReason reason = FinishReason.Stop)
    {
        FinishReason? finish = reason;
        var text = Flush(request, ref finish);
        var writer = request.Source.Output.Writer;
        // Without a token yet, this is the request's first event (max_tokens 0): it carries the prompt's log-probabilities.
        writer.TryWrite(new GenerationEvent(text, null, finish, request.Prompt.Length, request.Output.Count,
            PromptLogprobs: request.FirstTokenTimestamp is null ? request.PromptLogprobs : null));
        writer.TryComplete();
        metrics.RecordRequest(request.Prompt.Length, request.Output.Count, finish ?? reason, Stopwatch.GetElapsedTime(request.Source.EnqueuedAt));
    }

    public void Abort(EngineRequest request)
    {
        var writer = request.Source.Output.Writer;
        writer.TryWrite(new GenerationEvent("", null, FinishReason.Abort, request.Prompt.Length, request.Output.Count));
        writer.TryComplete();
        metrics.RecordRequest(request.Prompt.Length, request.Output.Count, FinishReason.Abort, Stopwatch.GetElapsedTime(request.Source.EnqueuedAt));
    }

    /// <summary>Releases held-back text at the end; a stop string inside it still ends the output there.</summary>
    private static string Flush(EngineRequest request, ref FinishReason? finish)
    {
        var (emit, stopped) = request.Stops.Push(request.Detokenizer.Flush());
        if (stopped)
        {
            finish = FinishReason.Stop;
            return emit;
        }
        return emit + request.Stops.Flush();
    }
}
