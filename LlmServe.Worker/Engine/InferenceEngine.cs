using System.Collections.Concurrent;
using LlmServe.Worker.Engine.Sampling;
using LlmServe.Worker.Model;
using LlmServe.Worker.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Engine;

/// <summary>
/// Runs generation on one dedicated thread: TorchSharp's inference mode and dispose scopes are per thread, so all
/// tensor work stays here. Requests are served one at a time in arrival order.
/// </summary>
internal sealed partial class InferenceEngine : IDisposable
{
    private readonly BlockingCollection<GenerationRequest> _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly LoadedModel _model;
    private readonly WorkerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private int _running;
    private int _disposed;

    public InferenceEngine(LoadedModel model, WorkerMetrics metrics, ILogger<InferenceEngine> logger)
    {
        _model = model;
        _metrics = metrics;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "llmserve-engine" };
        _thread.Start();
    }

    public LoadedModel Model => _model;
    public int Waiting => _queue.Count;
    public int Running => Volatile.Read(ref _running);

    public GenerationRequest Submit(string id, IReadOnlyList<int> prompt, SamplingParams sampling, CancellationToken cancellation)
    {
        var request = new GenerationRequest(id, prompt, sampling, cancellation);
        _queue.Add(request, cancellation);
        return request;
    }

    private void Run()
    {
        try
        {
            foreach (var request in _queue.GetConsumingEnumerable(_stopping.Token))
            {
                Interlocked.Increment(ref _running);
                try
                {
                    Generate(request);
                }
                catch (Exception ex)
                {
                    LogGenerationFailed(request.Id, ex);
                    request.Output.Writer.TryComplete(ex);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Generate(GenerationRequest request)
    {
        using var inference = torch.inference_mode();
        var sampling = request.Sampling;
        var writer = request.Output.Writer;
        var random = sampling.Seed is long seed ? new Random(unchecked((int)(seed ^ (seed >> 32)))) : new Random();
        var capacity = Math.Min(_model.MaxModelLen, request.PromptTokens.Count + sampling.MaxTokens);
        using var cache = _model.Network.CreateCache(capacity);
        var detokenizer = new IncrementalDetokenizer(_model.Tokenizer);
        var stops = new StopStringMatcher(sampling.Stop);
        var promptCount = request.PromptTokens.Count;
        IReadOnlyList<int> feed = request.PromptTokens;
        var position = 0;
        var generated = 0;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var lastToken = start;

        while (true)
        {
            if (request.Cancellation.IsCancellationRequested)
            {
                writer.TryWrite(new GenerationEvent("", null, FinishReason.Abort, promptCount, generated));
                break;
            }
            int next;
            using (NewDisposeScope())
            {
                var input = torch.tensor(feed.Select(t => (long)t).ToArray(), ScalarType.Int64);  // (T)
                var logits = _model.Network.Forward(input, position, cache);                       // (V)
                next = Sampler.Sample(logits.data<float>().ToArray(), sampling, random);
            }
            position += feed.Count;
            generated++;
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            _metrics.RecordToken(generated == 1, System.Diagnostics.Stopwatch.GetElapsedTime(generated == 1 ? request.EnqueuedAt : lastToken, now));
            lastToken = now;

            var (text, finish) = Advance(next, detokenizer, stops, sampling);
            if (finish is null && (generated >= sampling.MaxTokens || position + 1 > cache.Capacity))
            {
                finish = FinishReason.Length;
                text += FlushText(detokenizer, stops, ref finish);
            }
            writer.TryWrite(new GenerationEvent(text, next, finish, promptCount, generated));
            if (finish is not null)
            {
                break;
            }
            feed = [next];
        }
        writer.TryComplete();
        _metrics.RecordRequest(promptCount, generated, System.Diagnostics.Stopwatch.GetElapsedTime(request.EnqueuedAt));
    }

    private (string Text, FinishReason? Finish) Advance(int token, IncrementalDetokenizer detokenizer, StopStringMatcher stops, SamplingParams sampling)
    {
        var isEos = !sampling.IgnoreEos && _model.EosTokenIds.Contains(token);
        if (isEos || sampling.StopTokenIds.Contains(token))
        {
            FinishReason? stop = FinishReason.Stop;
            return (FlushText(detokenizer, stops, ref stop), FinishReason.Stop);
        }
        var (emit, stopped) = stops.Push(detokenizer.Push(token));
        return (emit, stopped ? FinishReason.Stop : null);
    }

    /// <summary>Releases held-back text at the end; a stop string inside it still ends the output there.</summary>
    private static string FlushText(IncrementalDetokenizer detokenizer, StopStringMatcher stops, ref FinishReason? finish)
    {
        var (emit, stopped) = stops.Push(detokenizer.Flush());
        if (stopped)
        {
            finish = FinishReason.Stop;
            return emit;
        }
        return emit + stops.Flush();
    }

    public void Dispose()
    {
        // The host disposes the singleton once per registration; only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
        _model.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Generation {RequestId} failed")]
    private partial void LogGenerationFailed(string requestId, Exception ex);
}
