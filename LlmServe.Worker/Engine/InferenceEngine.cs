using System.Threading.Channels;
using LlmServe.Worker.Engine.KvCache;
using LlmServe.Worker.Engine.Scheduling;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmServe.Worker.Engine;

/// <summary>
/// The engine loop on one dedicated thread (TorchSharp's inference mode and dispose scopes are per thread):
/// take new requests, drop cancelled ones, schedule, run one batched forward over every scheduled token,
/// sample, and hand each request its new text. Continuous batching: requests join and leave between steps.
/// </summary>
internal sealed partial class InferenceEngine : IDisposable
{
    private readonly Channel<GenerationRequest> _incoming = Channel.CreateUnbounded<GenerationRequest>(); // multi-reader mode: it keeps a Count for /load
    private readonly CancellationTokenSource _stopping = new();
    private readonly Scheduler _scheduler;
    private readonly KvCacheManager _kv;
    private readonly LlmServe.Worker.Model.Llama.KvCache _cache;
    private readonly WorkerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly TokenEmitter _emitter;
    private readonly InvariantKernels? _invariant;
    private readonly bool _attentionPerRow;
    private long _arrivals;
    private int _disposed;

    public InferenceEngine(LoadedModel model, EngineOptions options, WorkerMetrics metrics, ILogger<InferenceEngine> logger)
    {
        Model = model;
        _metrics = metrics;
        _logger = logger;
        var numBlocks = options.NumBlocks(model.Network.CacheBytesPerSlot, model.MaxModelLen);
        _cache = model.Network.CreateCache(numBlocks * options.BlockSize);
        // Batch invariance caches prompt blocks only: a generated position's K/V come from another kernel or another
        // attention path, and a later prompt reusing them would not get the bits it computes itself.
        _invariant = options.BatchInvariant ? model.Network.InvariantKernels : null;
        _attentionPerRow = _invariant is not null || model.Network.PrefersRowAttention;
        _kv = new KvCacheManager(new BlockPool(numBlocks), options.BlockSize, options.EnablePrefixCaching, cachePromptsOnly: _invariant is not null);
        _scheduler = new Scheduler(options.Scheduler with { RecomputeAsDecoded = _invariant is not null || options.Scheduler.RecomputeAsDecoded }, _kv);
        _emitter = new TokenEmitter(model, metrics);
        Constraints = new StructuredOutput.ConstraintCompiler(model.Tokenizer);
        NumBlocks = numBlocks;
        _thread = new Thread(Run) { IsBackground = true, Name = "llmserve-engine" };
        _thread.Start();
    }

    public LoadedModel Model { get; }

    /// <summary>Compiles (and caches) output constraints for this model's tokenizer.</summary>
    public StructuredOutput.ConstraintCompiler Constraints { get; }
    public int NumBlocks { get; }

    /// <summary>Snapshot of the load, refreshed every step (read by /load and the metrics).</summary>
    public EngineLoad Load { get; private set; } = new(0, 0, 0, 0, 0, 0);

    public GenerationRequest Submit(string id, IReadOnlyList<int> prompt, SamplingParams sampling, CancellationToken cancellation, int priority = 0)
    {
        var request = new GenerationRequest(id, prompt, sampling, cancellation, priority);
        if (!_incoming.Writer.TryWrite(request))
        {
            throw new InvalidOperationException("The engine is shutting down.");
        }
        return request;
    }

    private void Run()
    {
        using var inference = torch.inference_mode();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                if (!Admit())
                {
                    break;
                }
                DropCancelled();
                var scheduled = _scheduler.Schedule();
                if (scheduled.Count > 0)
                {
                    Step(scheduled);
                }
                PublishLoad();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A failed step must not take the replica down. Fail every request the scheduler holds (a step that
                // threw may have left their blocks and counters half-advanced), free their blocks, keep serving.
                LogStepFailed(ex);
                foreach (var request in _scheduler.All.ToList())
                {
                    request.Source.Output.Writer.TryComplete(ex);
                    _scheduler.Finish(request);
                }
            }
        }
    }

    /// <summary>Moves new requests into the scheduler; blocks when there is nothing else to do.</summary>
    private bool Admit()
    {
        if (!_scheduler.HasRequests)
        {
            try
            {
                if (!_incoming.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        while (_incoming.Reader.TryRead(out var request))
        {
            _scheduler.Add(new EngineRequest(request, _arrivals++, Model.Tokenizer));
        }
        return true;
    }

    private void DropCancelled()
    {
        foreach (var request in _scheduler.All.Where(r => r.IsCancelled).ToList())
        {
            _scheduler.Finish(request);   // blocks go back to the pool now, before the next forward
            _emitter.Abort(request);
        }
    }

    /// <summary>Samples the request's next token from its row of logits (V), emits it, and finishes the request when done.</summary>
    private void SampleNext(EngineRequest request, Span<float> rowLogits)
    {
        // Log-probabilities come from the raw distribution, so they are read before any processing.
        var raw = request.Sampling.Logprobs is not null ? rowLogits.ToArray() : null;
        if (request.Sampling.NeedsLogitProcessing)
        {
            Sampling.LogitsProcessor.Apply(rowLogits, request.Sampling, request.Prompt, request.Output, Model.EosTokenIds);
        }
        if (!request.GrammarActive && request.Output.Count == 0 && request.Sampling is { ThoughtOpenToken: int open, Grammar: { } answer })
        {
            SampleFirstOfOptionalThought(request, rowLogits, raw, answer, open);
            return;
        }
        var grammar = request.GrammarActive ? request.Sampling.Grammar : null;
        if (grammar is not null && grammar.IsStuck(request.GrammarState))
        {
            throw new InvalidOperationException(
                "The output constraint cannot be continued: no token of this model's vocabulary fits what it requires next.");
        }
        grammar?.Apply(rowLogits, request.GrammarState, Model.EosTokenIds);
        if (request.Sampling.AllowedTokenIds is not null && !HasFiniteLogit(rowLogits))
        {
            // e.g. only stop ids allowed while min_tokens forbids them: fail this request rather than sample outside the set.
            throw new InvalidOperationException("No token can be sampled: allowed_token_ids leaves none that min_tokens and the output constraint permit.");
        }
        var token = Sampling.Sampler.Sample(rowLogits, request.Sampling, request.Random);
        if (grammar is not null && !Model.EosTokenIds.Contains(token))
        {
            request.GrammarState = grammar.Advance(request.GrammarState, Model.Tokenizer, token);
        }
        if (!request.GrammarActive && request.Sampling.Grammar is not null && token == request.Sampling.GrammarAfterToken)
        {
            request.GrammarActive = true;   // the thought ended: the answer is constrained from the next token on
        }
        Emit(request, token, raw, grammar);
    }

    /// <summary>Emits a sampled token and finishes the request when it is done, or when <paramref name="binding"/> allows nothing more.</summary>
    private void Emit(EngineRequest request, int token, float[]? raw, StructuredOutput.TokenMasker? binding)
    {
        var logprobs = raw is null ? null : Sampling.LogprobCalculator.Compute(raw, token, request.Sampling.Logprobs!.Value);
        var finished = _emitter.Emit(request, token, logprobs);
        if (!finished && binding is not null && binding.MustEnd(request.GrammarState))
        {
            // The output is complete and nothing may follow: end it as if EOS had been sampled.
            _emitter.Complete(request);
            finished = true;
        }
        if (finished)
        {
            _scheduler.Finish(request);
        }
    }

    /// <summary>
    /// The first token when the model may open a thought: the answer's grammar or the opening tag. The tag leaves the
    /// grammar waiting for the end of the thought; anything else begins the constrained answer.
    /// </summary>
    private void SampleFirstOfOptionalThought(EngineRequest request, Span<float> rowLogits, float[]? raw,
        StructuredOutput.TokenMasker answer, int open)
    {
        var openLogit = (uint)open < (uint)rowLogits.Length ? rowLogits[open] : float.NegativeInfinity;
        answer.Apply(rowLogits, answer.Start, Model.EosTokenIds);
        if ((uint)open < (uint)rowLogits.Length)
        {
            rowLogits[open] = openLogit;
        }
        var token = Sampling.Sampler.Sample(rowLogits, request.Sampling, request.Random);
        if (token != open)
        {
            request.GrammarActive = true;
            request.GrammarState = Model.EosTokenIds.Contains(token) ? answer.Start : answer.Advance(answer.Start, Model.Tokenizer, token);
        }
        Emit(request, token, raw, request.GrammarActive ? answer : null);
    }

    private static bool HasFiniteLogit(ReadOnlySpan<float> logits)
    {
        foreach (var logit in logits)
        {
            if (float.IsFinite(logit))
            {
                return true;
            }
        }
        return false;
    }

    private void PublishLoad()
    {
        Load = new EngineLoad(_scheduler.NumRunning, _scheduler.NumWaiting + _incoming.Reader.Count, _kv.Pool.Usage,
            _kv.PrefixQueries, _kv.PrefixHits, _scheduler.NumPreemptions);
        _metrics.ObserveLoad(Load);
    }

    public void Dispose()
    {
        // The host disposes the singleton once per registration; only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _incoming.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
        _cache.Dispose();
        Model.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed while sampling; the rest of its batch goes on")]
    private partial void LogRequestFailed(Exception ex, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "An engine step failed; its requests were failed")]
    private partial void LogStepFailed(Exception ex);
}
