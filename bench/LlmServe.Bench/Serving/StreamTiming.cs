namespace LlmServe.Bench.Serving;

/// <summary>Client-side timing of one streamed request: when each SSE chunk carrying a choice arrived, in seconds from send.</summary>
internal sealed record StreamTiming(IReadOnlyList<double> ChunkSeconds, int CompletionTokens)
{
    public double TimeToFirstToken => ChunkSeconds.Count > 0 ? ChunkSeconds[0] : double.NaN;

    /// <summary>Gaps between consecutive chunks (inter-token latency as a streaming client sees it).</summary>
    public IEnumerable<double> InterChunkGaps => ChunkSeconds.Zip(ChunkSeconds.Skip(1), (a, b) => b - a);

    /// <summary>Decode rate after the first token: usage tokens over first-to-last chunk time.</summary>
    public double DecodeTokensPerSecond => ChunkSeconds.Count > 1
        ? (CompletionTokens - 1) / (ChunkSeconds[^1] - ChunkSeconds[0])
        : double.NaN;
}
