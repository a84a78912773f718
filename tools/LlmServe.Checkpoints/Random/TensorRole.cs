namespace LlmServe.Checkpoints.Random;

/// <summary>How a tensor's random values are drawn.</summary>
public enum TensorRole
{
    /// <summary>Matrix weights: normal(0, InitStd).</summary>
    Matrix,

    /// <summary>RMS norm weights: 1 + normal(0, 0.1), near 1 but not all equal, so swapped norms are noticed.</summary>
    Norm,

    /// <summary>Gemma's norm weights: normal(0, 0.1) for a scale of 1 + w; GGUF stores 1 + w, as llama.cpp's converter does.</summary>
    OffsetNorm,

    /// <summary>Projection biases: normal(0, 5 * InitStd), large enough that a loader ignoring them fails a 1e-3 check.</summary>
    Bias,
}
