namespace LlmServe.Checkpoints.Random;

/// <summary>What distinguishes one <see cref="CheckpointArchitecture"/> in both file formats.</summary>
/// <param name="FusedProjections">q/k/v and gate/up stored as one matrix each (Phi-3), in both formats.</param>
/// <param name="Gemma">The Gemma family's norms (w in Hugging Face files, 1 + w in GGUF), GeGLU and embedding scale.</param>
/// <param name="SandwichNorms">Norms after attention and after the FFN too (Gemma 2/3).</param>
/// <param name="Experts">A mixture of experts in place of the dense FFN (one matrix per expert in Hugging Face files, stacked in GGUF).</param>
/// <param name="PermuteQk">
/// Whether llama.cpp's converter permutes q/k rows into adjacent-pair RoPE (true for its LlamaModel, which also
/// converts Mistral); Qwen2/Qwen3 keep the HF rotate-half layout and llama.cpp runs NEOX RoPE on them.
/// </param>
public sealed record ArchitectureTraits(
    string ModelType,
    string HfArchitecture,
    string GgufArchitecture,
    bool PermuteQk,
    bool AttentionBias,
    bool QkNorm,
    bool Llama3RopeScaling,
    bool TieWordEmbeddings,
    double RopeTheta,
    double RmsNormEps,
    bool FusedProjections = false,
    bool Gemma = false,
    bool SandwichNorms = false,
    bool Experts = false)
{
    public static ArchitectureTraits For(CheckpointArchitecture architecture) => architecture switch
    {
        CheckpointArchitecture.Llama => new("llama", "LlamaForCausalLM", "llama", true, false, false, false, false, 10000, 1e-5),
        CheckpointArchitecture.Llama3 => new("llama", "LlamaForCausalLM", "llama", true, false, false, true, false, 500000, 1e-5),
        CheckpointArchitecture.Mistral => new("mistral", "MistralForCausalLM", "llama", true, false, false, false, false, 1e6, 1e-5),
        CheckpointArchitecture.Qwen2 => new("qwen2", "Qwen2ForCausalLM", "qwen2", false, true, false, false, true, 1e6, 1e-6),
        CheckpointArchitecture.Qwen3 => new("qwen3", "Qwen3ForCausalLM", "qwen3", false, false, true, false, true, 1e6, 1e-6),
        CheckpointArchitecture.Phi3 => new("phi3", "Phi3ForCausalLM", "phi3", false, false, false, false, false, 10000, 1e-5,
            FusedProjections: true),
        CheckpointArchitecture.Gemma => new("gemma", "GemmaForCausalLM", "gemma", false, false, false, false, true, 10000, 1e-6,
            Gemma: true),
        CheckpointArchitecture.Gemma2 => new("gemma2", "Gemma2ForCausalLM", "gemma2", false, false, false, false, true, 10000, 1e-6,
            Gemma: true, SandwichNorms: true),
        CheckpointArchitecture.Gemma3 => new("gemma3_text", "Gemma3ForCausalLM", "gemma3", false, false, true, false, true, 1e6, 1e-6,
            Gemma: true, SandwichNorms: true),
        CheckpointArchitecture.Granite => new("granite", "GraniteForCausalLM", "granite", true, false, false, false, true, 10000, 1e-5),
        CheckpointArchitecture.Mixtral => new("mixtral", "MixtralForCausalLM", "llama", true, false, false, false, false, 1e6, 1e-5,
            Experts: true),
        CheckpointArchitecture.Qwen3Moe => new("qwen3_moe", "Qwen3MoeForCausalLM", "qwen3moe", false, false, true, false, false, 1e6, 1e-6,
            Experts: true),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };
}
