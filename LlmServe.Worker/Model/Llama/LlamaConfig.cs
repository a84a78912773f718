namespace LlmServe.Worker.Model.Llama;

/// <summary>Hyper-parameters of a Llama-family decoder (Llama 2/3, Mistral, Qwen2/3, SmolLM, Phi-3).</summary>
internal sealed record LlamaConfig
{
    private readonly int? _headDim;
    private readonly int? _rotaryDim;

    /// <summary>The checkpoint's architecture name (config.json model_type, GGUF general.architecture).</summary>
    public string Architecture { get; init; } = "llama";

    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }

    /// <summary>Per-head width; hidden / heads unless the checkpoint says otherwise (Qwen3 does).</summary>
    public int HeadDim { get => _headDim ?? HiddenSize / NumHeads; init => _headDim = value; }

    /// <summary>
    /// Leading dimensions of each head that RoPE rotates; the rest pass through. The whole head unless the checkpoint
    /// says otherwise (partial_rotary_factor, GGUF rope.dimension_count; Phi-4-mini rotates 3/4).
    /// </summary>
    public int RotaryDim { get => _rotaryDim ?? HeadDim; init => _rotaryDim = value; }

    /// <summary>q, k and v stored as one matrix, in that order (Phi-3's qkv_proj, GGUF attn_qkv).</summary>
    public bool FusedQkv { get; init; }

    /// <summary>Gate and up stored as one (2 ffn, d) matrix, gate first (Phi-3's gate_up_proj, GGUF phi3 ffn_up).</summary>
    public bool FusedGateUp { get; init; }

    /// <summary>Experts per mixture-of-experts FFN (Mixtral, Qwen3-MoE); 0 for a dense FFN. <see cref="IntermediateSize"/> is then one expert's width.</summary>
    public int NumExperts { get; init; }

    /// <summary>Experts each token is routed to (top k).</summary>
    public int ExpertsPerToken { get; init; }

    /// <summary>Whether the chosen experts' router probabilities are renormalised to sum to 1 (Mixtral, Qwen3-MoE's norm_topk_prob).</summary>
    public bool NormalizeTopKExperts { get; init; } = true;

    public double RmsNormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000;
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary>
    /// True when RoPE rotates adjacent pairs (x0,x1),(x2,x3)... as GGUF files of the llama architecture expect;
    /// false for rotate-half (Hugging Face checkpoints, and GGUF qwen2/qwen3 "NEOX" mode).
    /// </summary>
    public bool RopeInterleaved { get; init; }

    /// <summary>Context-extension scaling of the RoPE frequencies (Llama 3.1, linear, YaRN), when the checkpoint uses it.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Biases on the q/k/v projections (Qwen2).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>RMS norms over each head of q and k before RoPE (Qwen3).</summary>
    public bool QkNorm { get; init; }

    public bool TieWordEmbeddings { get; init; }

    /// <summary>The feed-forward gate's activation (GELU for Gemma).</summary>
    public FeedForwardActivation Activation { get; init; } = FeedForwardActivation.Silu;

    /// <summary>Factor on the token embeddings (Gemma: sqrt(hidden)).</summary>
    public double? EmbeddingScale { get; init; }

    /// <summary>
    /// Whether <see cref="EmbeddingScale"/> is first rounded to the model's dtype, as transformers does (Hugging Face
    /// checkpoints); llama.cpp, the reference for GGUF files, multiplies by the exact float32 value.
    /// </summary>
    public bool RoundEmbeddingScale { get; init; }

    /// <summary>Factor on q.k; 1/sqrt(head dim) when null.</summary>
    public double? AttentionScale { get; init; }

    /// <summary>Attention scores soft-capped to (-cap, cap) by cap * tanh(s / cap) (Gemma 2).</summary>
    public double? AttentionLogitSoftcap { get; init; }

    /// <summary>Final logits soft-capped the same way (Gemma 2).</summary>
    public double? FinalLogitSoftcap { get; init; }

    /// <summary>Factor on each block's attention and FFN outputs before they join the residual (Granite's residual_multiplier).</summary>
    public double? ResidualScale { get; init; }

    /// <summary>Divisor of the final logits (Granite's logits_scaling).</summary>
    public double? LogitScale { get; init; }

    /// <summary>Sliding-window size of the layers <see cref="IsSliding"/> names; no layer slides when null.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Which layers slide (by index); every layer when null and <see cref="SlidingWindow"/> is set.</summary>
    public IReadOnlyList<bool>? SlidingLayers { get; init; }

    /// <summary>RoPE base of the sliding layers, which also skip <see cref="RopeScaling"/> (Gemma 3's local layers).</summary>
    public double? LocalRopeTheta { get; init; }

    /// <summary>
    /// Norm weights kept in float32 and applied before rounding to the model's dtype (Gemma's RMSNorm: all in float32,
    /// one cast at the end) instead of after it (Llama's).
    /// </summary>
    public bool NormInFloat32 { get; init; }

    /// <summary>
    /// Norm weights stored as w for a scale of 1 + w (Gemma's Hugging Face checkpoints; GGUF files already hold 1 + w).
    /// </summary>
    public bool NormWeightOffset { get; init; }

    /// <summary>
    /// This config for a replica serving at most <paramref name="maxModelLen"/> tokens (the model's maximum when 0):
    /// the RoPE scaling may depend on it (LongRoPE's factor sets).
    /// </summary>
    public LlamaConfig ForServedContext(int maxModelLen) => RopeScaling is null
        ? this
        : this with { RopeScaling = RopeScaling.ForServedContext(maxModelLen > 0 ? Math.Min(maxModelLen, MaxPositionEmbeddings) : MaxPositionEmbeddings) };

    public bool IsSliding(int layer) => SlidingWindow is not null && (SlidingLayers is null || SlidingLayers[layer]);

    /// <summary>Whether <paramref name="layer"/> rotates with <see cref="LocalRopeTheta"/> rather than the global tables.</summary>
    public bool UsesLocalRope(int layer) => LocalRopeTheta is not null && IsSliding(layer);

    /// <summary>The attention of <paramref name="layer"/>.</summary>
    public AttentionOptions AttentionFor(int layer) =>
        new(AttentionScale ?? 1.0 / Math.Sqrt(HeadDim), AttentionLogitSoftcap, IsSliding(layer) ? SlidingWindow : null);

    /// <summary>
    /// Plain Llama math (a dense SwiGLU, pre-norm only, unscaled embeddings, 1/sqrt(D) attention over the whole context, no
    /// soft-capping): what the fused bf16 decode step implements.
    /// </summary>
    public bool IsPlainLlama => NumExperts == 0 && Activation == FeedForwardActivation.Silu && EmbeddingScale is null && AttentionScale is null
        && AttentionLogitSoftcap is null && FinalLogitSoftcap is null && SlidingWindow is null && LocalRopeTheta is null
        && ResidualScale is null && LogitScale is null
        && !NormInFloat32 && !NormWeightOffset;

    public void Validate(string source)
    {
        if (NumHeads <= 0 || NumKvHeads <= 0 || NumHeads % NumKvHeads != 0 || HeadDim <= 0 || HeadDim % 2 != 0)
        {
            throw new InvalidDataException(
                $"{source}: inconsistent attention shape (hidden {HiddenSize}, heads {NumHeads}, kv heads {NumKvHeads}, head dim {HeadDim}).");
        }
        if (RotaryDim <= 0 || RotaryDim > HeadDim || RotaryDim % 2 != 0)
        {
            throw new InvalidDataException($"{source}: the rotary dimension ({RotaryDim}) must be even and within the head dim ({HeadDim}).");
        }
        if (NumExperts < 0 || (NumExperts > 0 && (ExpertsPerToken <= 0 || ExpertsPerToken > NumExperts)))
        {
            throw new InvalidDataException($"{source}: {ExpertsPerToken} experts per token out of {NumExperts} is not a valid mixture of experts.");
        }
        if (AttentionLogitSoftcap <= 0 || FinalLogitSoftcap <= 0 || LogitScale <= 0)
        {
            throw new InvalidDataException($"{source}: soft-caps and the logit scale must be positive.");
        }
        if (SlidingWindow <= 0 || (SlidingLayers is not null && SlidingLayers.Count != NumLayers))
        {
            throw new InvalidDataException($"{source}: the sliding window must be positive and name every layer.");
        }
        if (VocabSize <= 0 || NumLayers <= 0 || IntermediateSize <= 0 || HiddenSize <= 0)
        {
            throw new InvalidDataException($"{source}: vocabulary size, layer count, hidden and FFN sizes must be positive.");
        }
    }
}
