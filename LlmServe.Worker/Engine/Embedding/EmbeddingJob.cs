namespace LlmServe.Worker.Engine.Embedding;

/// <summary>One request's sequences, waiting for the embedding runner; completed with one vector per sequence.</summary>
internal sealed class EmbeddingJob(IReadOnlyList<IReadOnlyList<int>> sequences, CancellationToken cancellation)
{
    public IReadOnlyList<IReadOnlyList<int>> Sequences { get; } = sequences;
    public CancellationToken Cancellation { get; } = cancellation;
    public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public long EnqueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    public int TokenCount => Sequences.Sum(s => s.Count);
}
