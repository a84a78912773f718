namespace LlmServe.Worker.Model.Kernels;

/// <summary>Which implementation a step's linears use on the CPU (see <see cref="DecodeLinear"/>).</summary>
internal enum LinearKernel
{
    /// <summary>
    /// The fastest for the step's row count: the GEMV kernel up to <see cref="DecodeLinear.MaxRows"/> rows, torch's GEMM
    /// above (for bf16 where the kernel runs AVX512_BF16 dot products: up to
    /// <see cref="DecodeLinear.MaxRowsWithBf16DotProducts"/> rows; on CPUs without a fast bf16 GEMM: the kernel up to
    /// <see cref="DecodeLinear.MaxRowsWithoutFastBf16Gemm"/> rows, a float32 GEMM above).
    /// </summary>
    Auto,

    /// <summary>The GEMV kernel (bf16 or float32) at any row count: each row's result is the same as alone, at GEMV speed.</summary>
    RowGemv,

    /// <summary>torch's GEMM at any row count, even one.</summary>
    Torch,
}
