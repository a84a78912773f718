using System.Threading.Channels;
using LlmServe.Worker.Engine.KvCache;
using LlmServe.Worker.Engine.Scheduling;
using LlmServe.Worker.Model;
using LlmServe.Worker.Model.Kernels;
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
    private readonly bool _batchInvariant;
    private long _arrivals;
    private int _disposed;

    public InferenceEngine(LoadedModel model, EngineOptions options, WorkerMetrics metrics, ILogger<InferenceEngine> logger)
    {
        Model = model;
        _metrics = metrics;
        _logger = logger;
        var numBlocks = options.NumBlocks(model.Network.CacheBytesPerSlot, model.MaxModelLen);
        _cache = model.Network.CreateCache(numBlocks * options.BlockSize);
        // Batch-invariant serving caches prompt blocks only: a generated position's K/V come from the other kernel, and
        // a later prompt reusing them would not get the bits it computes itself.
        // Only bf16 CPU models need it: float32 and GPU steps give a row the same bits at any batch size already.
        _batchInvariant = options.BatchInvariant && model.Network.HasRowCountDependentKernels;
        _kv = new KvCacheManager(new BlockPool(numBlocks), options.BlockSize, options.EnablePrefixCaching, cachePromptsOnly: _batchInvariant);
        _scheduler = new Scheduler(options.Scheduler with { RecomputeAsDecoded = _batchInvariant || options.Scheduler.RecomputeAsDecoded }, _kv);
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

    private void Step(IReadOnlyList<ScheduledRequest> scheduled)
    {
        using var scope = NewDisposeScope();
        // Rows of each forward's logits: one per sampling request, plus every new prompt position of a request that
        // wants its prompt's log-probabilities (its sampling row, when it samples, is the last of them).
        var promptRows = new List<(EngineRequest Request, int FirstPosition, float[] Logits, int FirstRow, int Count)>();
        var samplers = new List<(EngineRequest Request, float[] Logits, int Row)>();
        var vocab = 0;
        foreach (var (kernel, parts) in Forwards(scheduled))
        {
            var tokens = new List<long>();
            var slices = new List<SequenceSlice>(parts.Count);
            var placed = new List<(StepPart Part, int FirstRow, bool AllLogits)>(parts.Count);
            var rows = 0;
            foreach (var part in parts)
            {
                var r = part.Request;
                for (var p = part.Start; p < part.Start + part.Count; p++)
                {
                    tokens.Add(r.TokenAt(p));
                }
                var allLogits = r.NeedsPromptLogits && part.Start < r.Prompt.Length;
                slices.Add(new SequenceSlice(_kv.ContextSlots(r, part.Start + part.Count), part.Count, part.Samples, allLogits));
                placed.Add((part, rows, allLogits));
                rows += allLogits ? part.Count : part.Samples ? 1 : 0;
            }
            using var batch = AttentionBatchBuilder.Build(slices, kernel);
            var logits = Model.Network.Forward(torch.tensor(tokens.ToArray()), batch, _cache);     // (rows, V)
            if (rows == 0)
            {
                continue;   // only prefill chunks ran: nothing to sample yet
            }
            vocab = (int)logits.shape[1];
            var all = logits.data<float>().ToArray();
            foreach (var (part, firstRow, allLogits) in placed)
            {
                if (allLogits)
                {
                    promptRows.Add((part.Request, part.Start, all, firstRow, part.Count));
                }
                if (part.Samples)
                {
                    samplers.Add((part.Request, all, allLogits ? firstRow + part.Count - 1 : firstRow));
                }
            }
        }
        _scheduler.Advance(scheduled);
        _metrics.RecordStep(scheduled.Sum(s => s.NumTokens));
        foreach (var (request, firstPosition, logits, firstRow, count) in promptRows)
        {
            RecordPromptLogprobs(request, firstPosition, logits.AsSpan(firstRow * vocab, count * vocab), vocab);
        }
        foreach (var (request, logits, row) in samplers)
        {
            try
            {
                if (request.Sampling.MaxTokens == 0)
                {
                    _emitter.Complete(request, FinishReason.Length);   // the prompt was all it asked for
                    _scheduler.Finish(request);
                    continue;
                }
                SampleNext(request, logits.AsSpan(row * vocab, vocab));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One request's sampling failing (its constraint, its parameters) fails that request, not the batch.
                LogRequestFailed(ex, request.Id);
                request.Source.Output.Writer.TryComplete(ex);
                _scheduler.Finish(request);
            }
        }
    }

    /// <summary>
    /// The step's forward passes: one over every scheduled token, or, when batch-invariant, prompt positions first
    /// (torch's GEMM, whose rows do not depend on each other) and then generated ones (the GEMV kernel, likewise),
    /// so each position is computed the same way alone, in any batch, and when recomputed after preemption (the
    /// scheduler then ends chunks at the prompt's end and recomputes generated tokens one per step, as decodes).
    /// </summary>
    private IEnumerable<(LinearKernel Kernel, List<StepPart> Parts)> Forwards(IReadOnlyList<ScheduledRequest> scheduled)
    {
        if (!_batchInvariant)
        {
            return [(LinearKernel.Auto, scheduled.Select(s => new StepPart(s.Request, s.Request.NumComputedTokens, s.NumTokens, s.Samples)).ToList())];
        }
        var prompt = new List<StepPart>();
        var generated = new List<StepPart>();
        foreach (var s in scheduled)
        {
            var start = s.Request.NumComputedTokens;
            (start < s.Request.Prompt.Length ? prompt : generated).Add(new StepPart(s.Request, start, s.NumTokens, s.Samples));
        }
        return new[] { (LinearKernel.Torch, prompt), (LinearKernel.RowGemv, generated) }.Where(f => f.Item2.Count > 0);
    }

    /// <summary>A request's positions [Start, Start + Count) in one forward pass; a token is sampled after the last when <c>Samples</c>.</summary>
    private readonly record struct StepPart(EngineRequest Request, int Start, int Count, bool Samples);

    /// <summary>
    /// Adds the log-probabilities of the prompt tokens that follow positions firstPosition.. from their rows of
    /// logits (count, V), skipping positions already recorded (a preempted request recomputes its prompt).
    /// </summary>
    private static void RecordPromptLogprobs(EngineRequest request, int firstPosition, ReadOnlySpan<float> rows, int vocab)
    {
        var found = request.PromptLogprobs!;
        var top = request.Sampling.PromptLogprobs!.Value;
        for (var j = 0; j < rows.Length / vocab; j++)
        {
            var next = firstPosition + j + 1;   // the row at position p predicts the token at p + 1
            if (next == found.Count && next < request.Prompt.Length)
            {
                found.Add(Sampling.LogprobCalculator.Compute(rows.Slice(j * vocab, vocab), request.Prompt[next], top));
            }
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
