namespace LlmServe.Worker.Model.Llama;

/// <summary>The gate's activation in the gated feed-forward: down(act(gate x) * up x).</summary>
internal enum FeedForwardActivation
{
    /// <summary>SwiGLU (Llama, Mistral, Qwen, Phi-3).</summary>
    Silu,

    /// <summary>GeGLU with tanh-approximated GELU (Gemma's gelu_pytorch_tanh).</summary>
    GeluTanh,
}
