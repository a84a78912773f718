using System.Runtime.Intrinsics.X86;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>What torch's own bf16 matrix product is worth on this CPU.</summary>
internal static class TorchBf16
{
    /// <summary>
    /// True where torch sends bf16 matrix products to oneDNN: CPUs with AVX-512 BW, VL and DQ (the check torch makes
    /// before it does). Elsewhere (AVX2-only CPUs) its fallback converts and sums each output element on its own, at
    /// ~17-20 GFLOP/s on two cores at every row count: about a third of <see cref="Bf16Gemv"/>'s rate, and far below a
    /// float32 product of the same values.
    /// </summary>
    public static bool GemmIsFast { get; } = Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512BW.VL.IsSupported;
}
