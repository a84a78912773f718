using LlmServe.Checkpoints;
using LlmServe.Checkpoints.Random;

namespace LlmServe.Worker.Tests.Oracle;

/// <summary>
/// The random-weight checkpoints the oracle tests use: small enough to stay fast, GQA (4 heads over 2 kv heads),
/// head dim 32 so RoPE has 16 frequency pairs, and the stories260K vocabulary so llama.cpp can tokenize.
/// </summary>
internal static class OracleSpecs
{
    private static readonly RandomCheckpointSpec Base = new()
    {
        HiddenSize = 128,
        Layers = 2,
        Heads = 4,
        KvHeads = 2,
        IntermediateSize = 256,
        VocabSize = 512,
        DType = CheckpointDType.F32,
        Seed = 1,
        // NOTE: 5x transformers' usual 0.02. At 0.02 attention scores stay ~0.05, attention is nearly uniform and
        // RoPE hardly moves the logits (Llama 3 scaling changed them by only 1.6e-3), so the comparisons would not
        // see RoPE mistakes. At 0.1 the scores are O(1).
        InitStd = 0.1,
        MaxPositionEmbeddings = 512,
    };

    public static RandomCheckpointSpec Get(string name) => name switch
    {
        "llama" => Base with { Architecture = CheckpointArchitecture.Llama },
        // high_freq_factor 64 puts the band edge at a wavelength of 128 positions, so pairs 4..15 of 16 are scaled
        // and the scaling shows within a short prompt (Llama 3.1's own 4 only reaches wavelengths over 2048).
        "llama3" => Base with
        {
            Architecture = CheckpointArchitecture.Llama3,
            Llama3Scaling = new Llama3ScalingSpec(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 64, OriginalMaxPositionEmbeddings: 8192),
        },
        "mistral" => Base with { Architecture = CheckpointArchitecture.Mistral },
        "qwen2" => Base with { Architecture = CheckpointArchitecture.Qwen2 },
        // q width 4 x 48 = 192 differs from hidden 128, as in real Qwen3 checkpoints.
        "qwen3" => Base with { Architecture = CheckpointArchitecture.Qwen3, HeadDim = 48 },
        "phi3" => Base with { Architecture = CheckpointArchitecture.Phi3 },
        // Phi-4-mini rotates 3/4 of each head: 24 of 32 dimensions here.
        "phi3-partial" => Base with { Architecture = CheckpointArchitecture.Phi3, PartialRotaryFactor = 0.75 },
        "gemma" => Base with { Architecture = CheckpointArchitecture.Gemma },
        // A window of 8 slides within every prompt; caps of 5 and 3 bend these models' scores and logits (the released
        // 50 and 30 would hardly touch them), so the soft-capping shows.
        "gemma2" => Base with
        {
            Architecture = CheckpointArchitecture.Gemma2, SlidingWindow = 8, AttentionLogitSoftcap = 5, FinalLogitSoftcap = 3,
        },
        // Six layers: five sliding ones (RoPE base 1e4, unscaled) and one global one (base 1e6, linear scaling by 4).
        "gemma3" => Base with
        {
            Architecture = CheckpointArchitecture.Gemma3, Layers = 6, SlidingWindow = 8, RopeScaling = RopeScalingSpec.Linear(4),
        },
        // LongRoPE: llama.cpp's 512-token context exceeds an original 256 (long factors) and fits an original 1,024 (short).
        "phi3-longrope" => Base with
        {
            Architecture = CheckpointArchitecture.Phi3, MaxPositionEmbeddings = 4096, RopeScaling = RopeScalingSpec.LongRope(256),
        },
        "phi3-longrope-short" => Base with
        {
            Architecture = CheckpointArchitecture.Phi3, MaxPositionEmbeddings = 4096, RopeScaling = RopeScalingSpec.LongRope(1024),
        },
        // Granite 3's scalars, except a logit divisor of 2 and an attention multiplier near 1/sqrt(32), so the
        // random model's scores and logits stay in the range where the comparison is meaningful.
        "granite" => Base with
        {
            Architecture = CheckpointArchitecture.Granite,
            Granite = new GraniteSpec(EmbeddingMultiplier: 12, AttentionMultiplier: 0.2, ResidualMultiplier: 0.22, LogitsScaling: 2),
        },
        // Four experts of 128 channels, two per token.
        "mixtral" => Base with { Architecture = CheckpointArchitecture.Mixtral, IntermediateSize = 128 },
        "qwen3moe" => Base with { Architecture = CheckpointArchitecture.Qwen3Moe, HeadDim = 48, IntermediateSize = 128 },
        // Position interpolation over adjacent-pair RoPE.
        "llama-linear" => Base with { Architecture = CheckpointArchitecture.Llama, RopeScaling = RopeScalingSpec.Linear(4) },
        // YaRN over NEOX RoPE, theta 1e4 and an original context of 256 so that the blended band (pairs 0-7 of 16)
        // and the interpolated pairs above it both turn visibly within a short prompt.
        "qwen2-yarn" => Base with
        {
            Architecture = CheckpointArchitecture.Qwen2, RopeTheta = 10000, RopeScaling = RopeScalingSpec.Yarn(4, 256),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Prompts as text; both runtimes tokenize them with the shared stories260K vocabulary.</summary>
    public static readonly string[] Prompts =
    [
        "Once upon a time",
        "Lily and Ben went to the park. They saw a big dog and a small cat playing in the grass.",
        "The end.",
    ];
}
