namespace LlmServe.Checkpoints.Random;

/// <summary>The shape, dtype and seed of a random-weight checkpoint. Unset optional values take the architecture's defaults.</summary>
public sealed record RandomCheckpointSpec
{
    public CheckpointArchitecture Architecture { get; init; } = CheckpointArchitecture.Llama;
    public int HiddenSize { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;

    /// <summary>Per-head width; hidden / heads when null (Qwen3 checkpoints usually set it explicitly).</summary>
    public int? HeadDim { get; init; }

    public int IntermediateSize { get; init; } = 172;

    /// <summary>The share of each head that RoPE rotates (transformers' partial_rotary_factor; Phi-4-mini uses 0.75).</summary>
    public double PartialRotaryFactor { get; init; } = 1.0;
    public int VocabSize { get; init; } = 512;
    public CheckpointDType DType { get; init; } = CheckpointDType.F32;
    public int Seed { get; init; } = 1;

    /// <summary>Standard deviation of matrix weights (as transformers' initializer_range).</summary>
    public double InitStd { get; init; } = 0.02;

    public int MaxPositionEmbeddings { get; init; } = 2048;
    public double? RopeTheta { get; init; }
    public double? RmsNormEps { get; init; }
    public bool? TieWordEmbeddings { get; init; }

    /// <summary>Used by <see cref="CheckpointArchitecture.Llama3"/> only.</summary>
    public Llama3ScalingSpec Llama3Scaling { get; init; } = new();

    /// <summary>Experts of Mixtral/Qwen3-MoE checkpoints (<see cref="IntermediateSize"/> is one expert's width).</summary>
    public int Experts { get; init; } = 4;

    /// <summary>Experts each token is routed to.</summary>
    public int ExpertsPerToken { get; init; } = 2;

    /// <summary>Used by <see cref="CheckpointArchitecture.Granite"/> only.</summary>
    public GraniteSpec Granite { get; init; } = new();

    /// <summary>Sliding window of Gemma 2/3's sliding layers (their configs' sliding_window).</summary>
    public int SlidingWindow { get; init; } = 4096;

    /// <summary>Gemma 2's attention score cap (attn_logit_softcapping; 50 in the released models).</summary>
    public double AttentionLogitSoftcap { get; init; } = 50;

    /// <summary>Gemma 2's final logit cap (final_logit_softcapping; 30 in the released models).</summary>
    public double FinalLogitSoftcap { get; init; } = 30;

    /// <summary>Linear or YaRN RoPE scaling (not with <see cref="CheckpointArchitecture.Llama3"/>, which has its own).</summary>
    public RopeScalingSpec? RopeScaling { get; init; }

    /// <summary>Above this many bytes of weights, the Hugging Face folder gets shards and an index (transformers' default 5 GB).</summary>
    public long ShardSizeBytes { get; init; } = 5_000_000_000;

    public ArchitectureTraits Traits => ArchitectureTraits.For(Architecture);
    public int EffectiveHeadDim => HeadDim ?? HiddenSize / Heads;
    public int RotaryDim => (int)(EffectiveHeadDim * PartialRotaryFactor);
    public double EffectiveRopeTheta => RopeTheta ?? Traits.RopeTheta;
    public double EffectiveRmsNormEps => RmsNormEps ?? Traits.RmsNormEps;
    public bool EffectiveTieWordEmbeddings => TieWordEmbeddings ?? Traits.TieWordEmbeddings;

    public void Validate()
    {
        if (HiddenSize <= 0 || Layers <= 0 || Heads <= 0 || KvHeads <= 0 || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0)
        {
            throw new ArgumentException("hidden, layers, heads, kv heads, FFN size and max positions must be positive.");
        }
        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"heads ({Heads}) must be a multiple of kv heads ({KvHeads}).");
        }
        if (HeadDim is null && HiddenSize % Heads != 0)
        {
            throw new ArgumentException($"hidden ({HiddenSize}) is not a multiple of heads ({Heads}); pass a head dim.");
        }
        if (EffectiveHeadDim <= 0 || EffectiveHeadDim % 2 != 0)
        {
            throw new ArgumentException($"head dim ({EffectiveHeadDim}) must be positive and even for RoPE.");
        }
        if (RotaryDim <= 0 || RotaryDim % 2 != 0)
        {
            throw new ArgumentException($"the rotary share of the head ({RotaryDim} of {EffectiveHeadDim}) must be positive and even.");
        }
        if (Traits.Experts && (Experts < 1 || ExpertsPerToken < 1 || ExpertsPerToken > Experts))
        {
            throw new ArgumentException($"{ExpertsPerToken} experts per token out of {Experts} is not a valid mixture of experts.");
        }
        if (SlidingWindow <= 0)
        {
            throw new ArgumentException("The sliding window must be positive.");
        }
        if (PartialRotaryFactor != 1.0 && Architecture != CheckpointArchitecture.Phi3)
        {
            throw new ArgumentException("Only Phi-3 checkpoints rotate part of each head.");
        }
        RopeScaling?.Validate();
        if (RopeScaling is not null && Traits.Llama3RopeScaling)
        {
            throw new ArgumentException("Llama 3 checkpoints carry their own RoPE scaling; do not add another.");
        }
        if (ShardSizeBytes <= 0)
        {
            throw new ArgumentException("The shard size must be positive.");
        }
    }
}
