using System.Threading.Channels;
using LlmServe.Worker.Engine.KvCache;
using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine;

/// <summary>Where a request is in its life inside the engine.</summary>
internal enum RequestStatus
{
    Waiting,
    Running,
    Preempted,
    Finished,
}

/// <summary>
/// A request inside the engine: its tokens (prompt then output), how many of them have their K/V in the cache
/// (<see cref="NumComputedTokens"/>, which catches up with <see cref="NumTokens"/> step by step), its blocks and
/// its own output state (random source, detokenizer, stop matcher, channel).
/// </summary>
internal sealed class EngineRequest
{
    private readonly List<int> _output = [];

    public EngineRequest(GenerationRequest request, long arrivalOrder, ITokenizer tokenizer)
    {
        Source = request;
        Id = request.Id;
        Prompt = request.PromptTokens.ToArray();
        Sampling = request.Sampling;
        Priority = request.Priority;
        ArrivalOrder = arrivalOrder;
        Random = Sampling.Seed is long seed ? new Random(unchecked((int)(seed ^ (seed >> 32)))) : new Random();
        Detokenizer = new IncrementalDetokenizer(tokenizer, Sampling.SkipSpecialTokens);
        Stops = new StopStringMatcher(Sampling.Stop, Sampling.IncludeStopStrInOutput);
        GrammarState = Sampling.Grammar?.Start ?? 0;
        GrammarActive = Sampling.Grammar is not null && Sampling.GrammarAfterToken is null;
        PromptLogprobs = Sampling.PromptLogprobs is null ? null : [null];
    }

    /// <summary>
    /// Log-probabilities of the prompt's tokens found so far, one entry per position (the first is null: nothing
    /// precedes it); null when the request did not ask for them.
    /// </summary>
    public List<Sampling.TokenLogprobs?>? PromptLogprobs { get; }

    /// <summary>Whether the next forward must return logits for every new prompt position, not just the last.</summary>
    public bool NeedsPromptLogits => PromptLogprobs is not null && PromptLogprobs.Count < Prompt.Length;

    /// <summary>The constraint automaton's state after the output so far (from where it started to bind).</summary>
    public int GrammarState { get; set; }

    /// <summary>Whether the constraint binds the next token (see <see cref="SamplingParams.GrammarAfterToken"/>).</summary>
    public bool GrammarActive { get; set; }

    public GenerationRequest Source { get; }
    public string Id { get; }
    public int[] Prompt { get; }
    public IReadOnlyList<int> Output => _output;
    public SamplingParams Sampling { get; }
    public int Priority { get; }
    public long ArrivalOrder { get; }
    public Random Random { get; }
    public IncrementalDetokenizer Detokenizer { get; }
    public StopStringMatcher Stops { get; }
    public RequestStatus Status { get; set; } = RequestStatus.Waiting;

    public int NumComputedTokens { get; set; }
    public int NumTokens => Prompt.Length + _output.Count;
    public List<KvBlock> Blocks { get; } = [];

    /// <summary>Hashes of this request's full blocks, computed once and extended as it grows.</summary>
    public List<BlockHash> BlockHashes { get; } = [];
    public long? FirstTokenTimestamp { get; set; }
    public long LastTokenTimestamp { get; set; }

    public int TokenAt(int index) => index < Prompt.Length ? Prompt[index] : _output[index - Prompt.Length];

    public void AppendOutput(int token) => _output.Add(token);

    public bool IsCancelled => Source.Cancellation.IsCancellationRequested;
}
