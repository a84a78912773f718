using System.Threading.Channels;

namespace LlmServe.Worker.Engine;

/// <summary>A request queued for the engine; its events are written to <see cref="Output"/> by the engine thread.</summary>
internal sealed class GenerationRequest(string id, IReadOnlyList<int> promptTokens, SamplingParams sampling,
    CancellationToken cancellation, int priority = 0)
{
    /// <summary>Lower runs first under the priority policy (vLLM's convention).</summary>
    public int Priority { get; } = priority;
    public string Id { get; } = id;
    public IReadOnlyList<int> PromptTokens { get; } = promptTokens;
    public SamplingParams Sampling { get; } = sampling;
    public CancellationToken Cancellation { get; } = cancellation;
    public Channel<GenerationEvent> Output { get; } = Channel.CreateUnbounded<GenerationEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    public long EnqueuedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
}
