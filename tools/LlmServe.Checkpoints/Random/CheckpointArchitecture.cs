namespace LlmServe.Checkpoints.Random;

/// <summary>The Llama-family variants the random-checkpoint writer can produce.</summary>
public enum CheckpointArchitecture
{
    /// <summary>Llama 2 style: untied LM head, plain RoPE.</summary>
    Llama,

    /// <summary>Llama 3.1 style: rope_scaling {rope_type: llama3}; GGUF gets a rope_freqs tensor.</summary>
    Llama3,

    /// <summary>Mistral style: GQA, RoPE theta 1e6; llama.cpp converts it to GGUF arch "llama".</summary>
    Mistral,

    /// <summary>Qwen2 style: q/k/v biases, tied embeddings, rotate-half ("NEOX") RoPE in GGUF.</summary>
    Qwen2,

    /// <summary>Qwen3 style: per-head q/k RMS norms, explicit head_dim, tied embeddings, NEOX RoPE.</summary>
    Qwen3,

    /// <summary>Phi-3 style: q/k/v in one matrix (qkv_proj), gate and up in one (gate_up_proj), NEOX RoPE.</summary>
    Phi3,

    /// <summary>Gemma: GeGLU, embeddings scaled by sqrt(hidden), norms of 1 + w (GGUF stores 1 + w), tied, NEOX RoPE.</summary>
    Gemma,

    /// <summary>Gemma 2: Gemma plus sandwich norms, soft-capped attention and logits, sliding window on even layers.</summary>
    Gemma2,

    /// <summary>Gemma 3 (text): Gemma 2 without soft-capping, plus q/k norms, five sliding layers in six with their own RoPE base.</summary>
    Gemma3,

    /// <summary>Mixtral: Mistral attention over a sparse mixture of SwiGLU experts (GGUF arch "llama" with stacked experts).</summary>
    Mixtral,

    /// <summary>
    /// Granite (IBM Granite 3): Llama with multipliers on the embeddings, attention scores and residual branches, and
    /// a divisor of the logits (see <see cref="GraniteSpec"/>).
    /// </summary>
    Granite,

    /// <summary>Qwen3-MoE: Qwen3 attention (q/k norms, NEOX RoPE) over a sparse mixture of experts.</summary>
    Qwen3Moe,
}
