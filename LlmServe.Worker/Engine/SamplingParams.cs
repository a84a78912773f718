namespace LlmServe.Worker.Engine;

/// <summary>How one request's tokens are chosen and when its generation stops (vLLM's SamplingParams subset).</summary>
internal sealed record SamplingParams
{
    public int MaxTokens { get; init; } = 16;
    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;

    /// <summary>0 or less disables top-k.</summary>
    public int TopK { get; init; }
    public long? Seed { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    public bool IgnoreEos { get; init; }

    public bool IsGreedy => Temperature < 1e-5 || TopK == 1;
}
