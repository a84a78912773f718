using System.Collections.Concurrent;
using LlmServe.Worker.Model.Bert;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.Embedding;

/// <summary>
/// Runs an embedding model on one dedicated thread (TorchSharp's inference mode and dispose scopes are per
/// thread). Each round takes every job waiting, so concurrent requests share forward passes, planned by
/// <see cref="EmbeddingBatchPlanner"/>.
/// </summary>
internal sealed partial class EmbeddingRunner : IDisposable
{
    /// <summary>Padded tokens per forward pass: large enough to batch well, small enough to bound activations.</summary>
    public const int MaxBatchTokens = 8192;

    private const int MaxJobsPerRound = 256;

    private readonly BlockingCollection<EmbeddingJob> _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly WorkerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private int _disposed;

    public EmbeddingRunner(SentenceEncoder encoder, ITokenizer? tokenizer, int maxModelLen, WorkerMetrics metrics, ILogger<EmbeddingRunner> logger)
    {
        Encoder = encoder;
        Tokenizer = tokenizer;
        MaxModelLen = Math.Min(maxModelLen, encoder.MaxTokens);
        _metrics = metrics;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "llmserve-embedding" };
        _thread.Start();
    }

    public SentenceEncoder Encoder { get; }

    /// <summary>The text tokenizer, or null when this build has none for the model (token-id input still works).</summary>
    public ITokenizer? Tokenizer { get; }

    public int MaxModelLen { get; }
    public int Dimensions => Encoder.Dimensions;
    public int VocabSize => Encoder.VocabSize;

    /// <summary>Queues sequences (each 1..MaxModelLen ids within the vocabulary) and returns one vector per sequence.</summary>
    public Task<float[][]> EmbedAsync(IReadOnlyList<IReadOnlyList<int>> sequences, CancellationToken cancellation)
    {
        var job = new EmbeddingJob(sequences, cancellation);
        _queue.Add(job, cancellation);
        return job.Completion.Task;
    }

    private void Run()
    {
        try
        {
            foreach (var first in _queue.GetConsumingEnumerable(_stopping.Token))
            {
                var jobs = new List<EmbeddingJob> { first };
                while (jobs.Count < MaxJobsPerRound && _queue.TryTake(out var more))
                {
                    jobs.Add(more);
                }
                RunRound(jobs);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void RunRound(List<EmbeddingJob> jobs)
    {
        // Requests abandoned while queued are dropped before they cost a forward pass.
        jobs.RemoveAll(j => j.Cancellation.IsCancellationRequested && j.Completion.TrySetCanceled(j.Cancellation));
        if (jobs.Count == 0)
        {
            return;
        }
        var sequences = jobs.SelectMany(j => j.Sequences).ToList();
        var vectors = new float[sequences.Count][];
        try
        {
            foreach (var group in EmbeddingBatchPlanner.Plan([.. sequences.Select(s => s.Count)], MaxBatchTokens))
            {
                var encoded = Encoder.Encode([.. group.Select(i => sequences[i])]);
                for (var k = 0; k < group.Length; k++)
                {
                    vectors[group[k]] = encoded[k];
                }
            }
        }
        catch (Exception ex)
        {
            LogRoundFailed(jobs.Count, sequences.Count, ex);
            jobs.ForEach(j => j.Completion.TrySetException(ex));
            return;
        }
        var offset = 0;
        foreach (var job in jobs)
        {
            job.Completion.TrySetResult(vectors[offset..(offset + job.Sequences.Count)]);
            offset += job.Sequences.Count;
            _metrics.RecordRequest(job.TokenCount, 0, FinishReason.Stop, System.Diagnostics.Stopwatch.GetElapsedTime(job.EnqueuedAt));
        }
    }

    public void Dispose()
    {
        // The host may dispose twice (singleton and hosted service); only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        while (_queue.TryTake(out var orphan))
        {
            orphan.Completion.TrySetCanceled();
        }
        _stopping.Dispose();
        Encoder.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding round of {Jobs} requests ({Sequences} sequences) failed")]
    private partial void LogRoundFailed(int jobs, int sequences, Exception ex);
}
